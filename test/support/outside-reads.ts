/**
 * Finds paths in the tests, benchmarks and examples that lead out of the repository: a relative
 * path that climbs above its root (`new URL('../../..', import.meta.url)`, `resolve(root, '..')`),
 * or an absolute path to something that exists on this machine outside it and outside the
 * system's own directories. Either works only where that place exists beside the clone, so a
 * stranger's `npm test` fails on it.
 *
 * Paths are worked out from the source, not run: string literals, `import.meta.url`,
 * `__dirname`, consts (also imported ones) and the node:path and node:url calls that combine them.
 * What cannot be known that way (a temp dir, a parameter) is left alone.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

export interface OutsideRead {
  /** Relative to the repository root. */
  file: string;
  line: number;
  /** The source text of the path. */
  text: string;
  /** Where it leads. */
  resolved: string;
}

/** A path worked out from the source. `anchored`: it starts from a place in the repository. */
interface PathValue {
  value: string;
  anchored: boolean;
}

/** Directories every Unix has: a path there is not a place beside the repository. */
const SYSTEM_ROOTS = ['/bin', '/sbin', '/usr', '/lib', '/lib64', '/etc', '/dev', '/proc', '/sys', '/tmp', '/var', '/run', '/opt', '/private'];
const CODE = /\.(?:[cm]?[jt]s)$/;
const SKIPPED_DIRS = new Set(['node_modules', '.cache', 'dist', '.git']);
const FS_READS = new Set([
  'readFileSync', 'readFile', 'readdirSync', 'readdir', 'existsSync', 'statSync', 'stat', 'lstatSync', 'openSync', 'open',
  'copyFileSync', 'copyFile', 'cpSync', 'cp', 'createReadStream', 'accessSync', 'access', 'realpathSync', 'realpath',
]);

/** Every path that leads out of `root` in the files a test run or script starts from. */
export function findOutsideReads(root: string): OutsideRead[] {
  const found: OutsideRead[] = [];
  for (const dir of ['test', 'bench', 'examples']) {
    for (const file of listFiles(path.join(root, dir))) found.push(...scanFile(root, file));
  }
  for (const file of readdirSync(root).filter((name) => /^vitest\.config\.[cm]?[jt]s$/.test(name))) found.push(...scanFile(root, path.join(root, file)));
  found.push(...scanPackageScripts(root));
  return found;
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : listFiles(full);
    return entry.isFile() ? [full] : [];
  });
}

function scanFile(root: string, file: string): OutsideRead[] {
  const text = readFileSync(file, 'utf8');
  const shebang = /^#!.*\b(node|sh|bash|dash|zsh)\b/.exec(text)?.[1];
  if (CODE.test(file) || shebang === 'node') return new SourceScanner(root, file, text).scan();
  if (file.endsWith('.sh') || shebang !== undefined) return scanShellWords(root, file, text, path.dirname(file));
  return [];
}

/** Scripts run from the repository root: their relative words are relative to it. */
function scanPackageScripts(root: string): OutsideRead[] {
  const file = path.join(root, 'package.json');
  if (!existsSync(file)) return [];
  const scripts = (JSON.parse(readFileSync(file, 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
  const lines = readFileSync(file, 'utf8').split('\n');
  return Object.entries(scripts).flatMap(([name, script]) => {
    const line = lines.findIndex((text) => text.includes(`"${name}":`)) + 1;
    return scanShellWords(root, file, script, root).map((read) => ({ ...read, line }));
  });
}

function scanShellWords(root: string, file: string, text: string, base: string): OutsideRead[] {
  const found: OutsideRead[] = [];
  text.split('\n').forEach((lineText, index) => {
    if (lineText.trimStart().startsWith('#')) return;
    for (const word of lineText.split(/[\s'"=:;()]+/)) {
      const candidate = word.replace(/^\$\{?\w+\}?/, '');
      if (candidate === '' || candidate !== word) continue;
      const leads = leadsOutside(root, candidate.startsWith('/') ? { value: candidate, anchored: false } : { value: path.resolve(base, candidate), anchored: candidate.startsWith('..') });
      if (leads) found.push({ file: path.relative(root, file), line: index + 1, text: word, resolved: leads });
    }
  });
  return found;
}

/** The outside place a path leads to, or null when it stays inside or is not a concern. */
function leadsOutside(root: string, found: PathValue): string | null {
  const resolved = found.value.startsWith('file:') ? safeFileURLToPath(found.value) : found.value;
  if (resolved === null || !path.isAbsolute(resolved)) return null;
  const normal = path.resolve(resolved);
  if (normal === root || normal.startsWith(`${root}${path.sep}`)) return null;
  if (found.anchored) return normal;
  // An absolute path written out: a concern where it names a place on this machine, beside the
  // clone or anywhere but the system's own directories.
  const beside = normal.startsWith(`${path.dirname(root)}${path.sep}`);
  const system = normal === path.sep || SYSTEM_ROOTS.some((dir) => normal === dir || normal.startsWith(`${dir}/`));
  return (beside || !system) && existsSync(normal) ? normal : null;
}

function safeFileURLToPath(url: string): string | null {
  try {
    return fileURLToPath(url);
  } catch {
    return null;
  }
}

const scanners = new Map<string, SourceScanner>();

/** One scanner a module, for the consts other files import from it. */
function scannerOf(root: string, file: string): SourceScanner {
  let scanner = scanners.get(file);
  if (!scanner) {
    scanner = new SourceScanner(root, file, readFileSync(file, 'utf8'));
    scanners.set(file, scanner);
  }
  return scanner;
}

class SourceScanner {
  private readonly source: ts.SourceFile;
  private readonly consts = new Map<string, ts.Expression>();
  /** Local name → [module file, exported name], for imports from files in the repository. */
  private readonly imported = new Map<string, [string, string]>();
  /** Local names of node:path functions (`join`, or `path` for `path.join`), and of fileURLToPath. */
  private readonly pathFunctions = new Map<string, string>();
  private readonly pathModules = new Set<string>();
  private readonly fsModules = new Set<string>();
  private readonly evaluating = new Set<ts.Node>();
  private readonly fsArguments = new Set<ts.Node>();

  constructor(
    private readonly root: string,
    private readonly file: string,
    text: string,
  ) {
    this.source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    // Declarations first, so a const used above its line is known.
    ts.forEachChild(this.source, (node) => this.learnAll(node));
  }

  scan(): OutsideRead[] {
    const found = new Map<string, OutsideRead>();
    const visit = (node: ts.Node): void => {
      for (const candidate of this.candidates(node)) {
        const value = this.asRead(candidate);
        const leads = value && !value.partial ? leadsOutside(this.root, value) : value && this.prefixLeadsOutside(value);
        if (!leads) continue;
        const line = this.source.getLineAndCharacterOfPosition(candidate.getStart()).line + 1;
        const read = { file: path.relative(this.root, this.file), line, text: candidate.getText(), resolved: leads };
        found.set(`${line}:${read.text}`, read);
      }
      ts.forEachChild(node, visit);
    };
    visit(this.source);
    return [...found.values()];
  }

  /** What fs reads at a relative path, it reads from the working directory: the root, for tests. */
  private asRead(candidate: ts.Expression): (PathValue & { partial: boolean }) | null {
    const value = this.evaluate(candidate);
    if (!value || !this.fsArguments.has(candidate) || value.value.startsWith('file:') || path.isAbsolute(value.value)) return value;
    return { ...value, value: path.resolve(this.root, value.value), anchored: true };
  }

  /** A template's unknown tail could go anywhere; its known start must not already have left. */
  private prefixLeadsOutside(value: PathValue & { partial: boolean }): string | null {
    return value.anchored ? leadsOutside(this.root, value) : null;
  }

  private learnAll(node: ts.Node): void {
    this.learn(node);
    ts.forEachChild(node, (child) => this.learnAll(child));
  }

  private learn(node: ts.Node): void {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
      const flags = ts.getCombinedNodeFlags(node);
      if (flags & ts.NodeFlags.Const) this.consts.set(node.name.text, node.initializer);
    }
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && node.importClause) {
      const specifier = node.moduleSpecifier.text;
      const clause = node.importClause;
      if (specifier === 'node:path' || specifier === 'path' || specifier === 'node:url' || specifier === 'url') {
        if (clause.name) this.pathModules.add(clause.name.text);
        if (clause.namedBindings && ts.isNamespaceImport(clause.namedBindings)) this.pathModules.add(clause.namedBindings.name.text);
        if (clause.namedBindings && ts.isNamedImports(clause.namedBindings)) {
          for (const element of clause.namedBindings.elements) this.pathFunctions.set(element.name.text, (element.propertyName ?? element.name).text);
        }
      } else if (/^(node:)?fs(\/promises)?$/.test(specifier)) {
        if (clause.name) this.fsModules.add(clause.name.text);
        if (clause.namedBindings && ts.isNamespaceImport(clause.namedBindings)) this.fsModules.add(clause.namedBindings.name.text);
      } else if (specifier.startsWith('.') && clause.namedBindings && ts.isNamedImports(clause.namedBindings)) {
        const module = this.moduleFile(specifier);
        if (module) for (const element of clause.namedBindings.elements) this.imported.set(element.name.text, [module, (element.propertyName ?? element.name).text]);
      }
    }
  }

  /** The expressions at `node` that are paths: import specifiers, path calls, URLs, what fs reads, absolute literals. */
  private candidates(node: ts.Node): ts.Expression[] {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      return node.moduleSpecifier.text.startsWith('.') ? [node.moduleSpecifier] : [];
    }
    if (ts.isCallExpression(node)) {
      const name = this.calleeName(node);
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) return node.arguments.slice(0, 1).filter((arg) => ts.isStringLiteralLike(arg) && arg.text.startsWith('.'));
      if (name && ['join', 'resolve', 'dirname', 'fileURLToPath'].includes(name)) return [node];
      if (name && FS_READS.has(name)) {
        const paths = node.arguments.slice(0, 2).filter((arg) => !ts.isObjectLiteralExpression(arg));
        for (const arg of paths) this.fsArguments.add(arg);
        return paths;
      }
    }
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'URL') return [node];
    if (ts.isStringLiteralLike(node) && node.text.startsWith('/') && !ts.isImportDeclaration(node.parent)) return [node];
    return [];
  }

  /** `join` for `join(...)` and `path.join(...)` from node:path, `readFileSync` for fs reads. */
  private calleeName(call: ts.CallExpression): string | null {
    const callee = call.expression;
    if (ts.isIdentifier(callee)) return this.pathFunctions.get(callee.text) ?? (FS_READS.has(callee.text) ? callee.text : null);
    if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)) {
      const owner = callee.expression.text;
      if (this.pathModules.has(owner) || this.fsModules.has(owner)) return callee.name.text;
    }
    return null;
  }

  private moduleFile(specifier: string): string | null {
    const base = path.resolve(path.dirname(this.file), specifier);
    for (const candidate of [base, base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), `${base}.ts`]) {
      if (candidate.startsWith(this.root) && existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    }
    return null;
  }

  private evaluate(node: ts.Expression): (PathValue & { partial: boolean }) | null {
    if (this.evaluating.has(node)) return null;
    this.evaluating.add(node);
    try {
      return this.evaluateOnce(node);
    } finally {
      this.evaluating.delete(node);
    }
  }

  private evaluateOnce(node: ts.Expression): (PathValue & { partial: boolean }) | null {
    const here = this.file;
    if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node)) return this.evaluate(node.expression);
    if (ts.isStringLiteralLike(node)) {
      const specifier = ts.isImportDeclaration(node.parent) || ts.isExportDeclaration(node.parent) || ts.isCallExpression(node.parent) && node.parent.expression.kind === ts.SyntaxKind.ImportKeyword;
      if (specifier) return { value: path.resolve(path.dirname(here), node.text), anchored: true, partial: false };
      return { value: node.text, anchored: false, partial: false };
    }
    if (ts.isTemplateExpression(node)) return { value: node.head.text, anchored: false, partial: true };
    if (ts.isMetaProperty(node) || (ts.isPropertyAccessExpression(node) && ts.isMetaProperty(node.expression))) {
      const property = ts.isPropertyAccessExpression(node) ? node.name.text : '';
      if (property === 'url') return { value: pathToFileURL(here).href, anchored: true, partial: false };
      if (property === 'dirname') return { value: path.dirname(here), anchored: true, partial: false };
      if (property === 'filename') return { value: here, anchored: true, partial: false };
      return null;
    }
    if (ts.isIdentifier(node)) {
      if (node.text === '__dirname') return { value: path.dirname(here), anchored: true, partial: false };
      if (node.text === '__filename') return { value: here, anchored: true, partial: false };
      const local = this.consts.get(node.text);
      if (local) return this.evaluate(local);
      const imported = this.imported.get(node.text);
      return imported ? scannerOf(this.root, imported[0]).evaluateConst(imported[1]) : null;
    }
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'URL') {
      const [relative, base] = node.arguments ?? [];
      const rel = relative && this.evaluate(relative);
      const from = base ? this.evaluate(base) : null;
      if (!rel) return null;
      if (!from) return /^file:/.test(rel.value) ? rel : null;
      if (from.partial) return null;
      const baseUrl = from.value.startsWith('file:') ? from.value : pathToFileURL(from.value).href;
      try {
        return { value: new URL(rel.value, baseUrl).href, anchored: from.anchored, partial: rel.partial };
      } catch {
        return null;
      }
    }
    if (ts.isCallExpression(node)) {
      const name = this.calleeName(node);
      const args = node.arguments.map((arg) => (ts.isSpreadElement(arg) ? null : this.evaluate(arg)));
      if (name === 'fileURLToPath' || name === 'dirname') {
        const [first] = args;
        if (!first || first.partial) return null;
        const asPath = first.value.startsWith('file:') ? safeFileURLToPath(first.value) : first.value;
        if (asPath === null) return null;
        return { value: name === 'dirname' ? path.dirname(asPath) : asPath, anchored: first.anchored, partial: false };
      }
      if (name === 'join' || name === 'resolve') return this.combine(name, args);
    }
    return null;
  }

  /** The path a const of this module holds, for a file that imports it. */
  evaluateConst(name: string): (PathValue & { partial: boolean }) | null {
    const initializer = this.consts.get(name);
    return initializer ? this.evaluate(initializer) : null;
  }

  /** join/resolve over what is known: an unknown part ends what can be said, unless nothing came before it. */
  private combine(name: 'join' | 'resolve', args: Array<(PathValue & { partial: boolean }) | null>): (PathValue & { partial: boolean }) | null {
    const known: Array<PathValue & { partial: boolean }> = [];
    for (const arg of args) {
      if (!arg || arg.value.startsWith('file:')) break;
      known.push(arg);
      if (arg.partial) break;
    }
    if (known.length === 0) return null;
    let start = 0;
    if (name === 'resolve') {
      for (let i = known.length - 1; i >= 0; i--) {
        if (path.isAbsolute(known[i]!.value)) {
          start = i;
          break;
        }
      }
    }
    const parts = known.slice(start);
    const first = parts[0]!;
    // resolve() of relative parts starts at the working directory: the repository root for tests.
    const absoluteFrom = path.isAbsolute(first.value) ? null : name === 'resolve' ? this.root : null;
    const joined = path.join(...(absoluteFrom ? [absoluteFrom] : []), ...parts.map((part) => part.value));
    return {
      value: joined,
      anchored: absoluteFrom !== null || first.anchored,
      partial: known.length < args.length || parts.some((part) => part.partial),
    };
  }
}
