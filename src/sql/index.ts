/** SQL parsing: statements with exact file lines, directives, transaction rules, touched relations. */
export { parseMigration, parseSql, parseSqlSync, type ParseSqlOptions } from './parse.js';
export { loadParser } from './parser.js';
export { nodeBody, nodeKind, rangeVarName, statementTargets } from './targets.js';
export { isTransactional, isTransactionControl } from './transaction.js';
export { parseDirectives } from './directives.js';
export type { NolintDirective, ParsedMigration, Statement } from './types.js';
