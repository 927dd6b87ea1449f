/** Entry of the lint action bundle (dist/lint/index.js). */
import { run } from './main.js';

void run();
