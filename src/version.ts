/** The db-action version (kept equal to package.json's by a test and by the release script). */
export const VERSION = '0.1.0';
