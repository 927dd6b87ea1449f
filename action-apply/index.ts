/** Entry of the apply action bundle (dist/apply/index.js). */
import { run } from './main.js';

void run();
