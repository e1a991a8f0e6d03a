// Each workspace package exports only what another package (or an action, a test, a script)
// imports by name, and core's test helpers stay in `@deploy/core/testing`, out of every action
// bundle. An export nobody imports is API that only makes the package harder to change; a test
// helper in a bundle is code shipped to every runner that no step runs.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

/** Folders that hold no source of ours: dependencies, bundles (checked below) and build scratch. */
const SKIPPED_DIRS = new Set(["node_modules", "dist", ".dist-build"]);
const SOURCE_FILE = /\.(ts|mts|cts|js|mjs|cjs)$/;

interface Entry {
  /** What a consumer writes: `@deploy/core`, `@deploy/core/testing`. */
  specifier: string;
  /** The package's name: the index's specifier. */
  packageName: string;
  /** The folder of the package that owns it; its own files do not count as consumers. */
  packageDir: string;
  file: string;
}

/** Every entry in the `exports` of each package under packages/. */
function packageEntries(): Entry[] {
  const packagesDir = path.join(root, "packages");
  return readdirSync(packagesDir, { withFileTypes: true })
    .filter((dirent) => dirent.isDirectory())
    .flatMap((dirent) => {
      const packageDir = path.join(packagesDir, dirent.name);
      const manifest = JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8")) as {
        name: string;
        exports?: Record<string, string>;
      };
      return Object.entries(manifest.exports ?? {}).map(([subpath, target]) => ({
        specifier: subpath === "." ? manifest.name : `${manifest.name}/${subpath.replace(/^\.\//, "")}`,
        packageName: manifest.name,
        packageDir,
        file: path.join(packageDir, target),
      }));
    });
}

/**
 * The names each entry exports, as the compiler sees them: `export type * from` and renames
 * included. Only the packages' own sources are loaded (noResolve), so the AWS SDK's types are
 * never read and this takes a moment, not a type check.
 */
function exportedNames(entries: Entry[]): Map<string, string[]> {
  const packageSources = [...new Set(entries.map((entry) => entry.packageDir))].flatMap((dir) =>
    sourceFiles(path.join(dir, "src")),
  );
  const program = ts.createProgram(packageSources, {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    noEmit: true,
    noResolve: true,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  return new Map(
    entries.map((entry) => {
      const source = program.getSourceFile(entry.file);
      const symbol = source && checker.getSymbolAtLocation(source);
      if (!symbol) throw new Error(`${entry.specifier}: ${path.relative(root, entry.file)} is not a module`);
      return [entry.specifier, checker.getExportsOfModule(symbol).map((s) => s.name)];
    }),
  );
}

/** Source files under `dir`, not descending into dependencies, bundles or hidden folders. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((dirent) => {
    const file = path.join(dir, dirent.name);
    if (dirent.isDirectory())
      return SKIPPED_DIRS.has(dirent.name) || dirent.name.startsWith(".") ? [] : sourceFiles(file);
    return dirent.isFile() && SOURCE_FILE.test(dirent.name) ? [file] : [];
  });
}

interface Use {
  file: string;
  specifier: string;
  /** The exported name; undefined when the import takes the whole module (`* as`, `export *`, `import()`). */
  name: string | undefined;
}

/** Every name imported (or re-exported) from a `@deploy/...` specifier in `file`. */
function usesIn(file: string): Use[] {
  const text = readFileSync(file, "utf8");
  if (!text.includes("@deploy/")) return [];
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const uses: Use[] = [];
  const use = (specifier: ts.Node | undefined, name: string | undefined) => {
    if (specifier && ts.isStringLiteralLike(specifier) && specifier.text.startsWith("@deploy/"))
      uses.push({ file, specifier: specifier.text, name });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      if (clause?.name) use(node.moduleSpecifier, "default");
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) use(node.moduleSpecifier, undefined);
      if (bindings && ts.isNamedImports(bindings))
        for (const element of bindings.elements) use(node.moduleSpecifier, (element.propertyName ?? element.name).text);
    } else if (ts.isExportDeclaration(node)) {
      const clause = node.exportClause;
      if (clause && ts.isNamedExports(clause))
        for (const element of clause.elements) use(node.moduleSpecifier, (element.propertyName ?? element.name).text);
      else use(node.moduleSpecifier, undefined);
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      const specifier = ts.isLiteralTypeNode(argument) ? argument.literal : undefined;
      use(specifier, node.qualifier ? firstName(node.qualifier) : undefined);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      use(node.arguments[0], undefined);
    } else if (ts.isModuleDeclaration(node) && node.body && ts.isModuleBlock(node.body)) {
      // `declare module "@deploy/core" { interface ErrorCodes {...} }` extends what it names.
      for (const statement of node.body.statements) {
        if (ts.isInterfaceDeclaration(statement)) use(node.name, statement.name.text);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return uses;
}

function firstName(name: ts.EntityName): string {
  return ts.isIdentifier(name) ? name.text : firstName(name.left);
}

const entries = packageEntries();
const exports = exportedNames(entries);
const uses = sourceFiles(root).flatMap(usesIn);
const insidePackage = (file: string, entry: Entry) => !path.relative(entry.packageDir, file).startsWith("..");

describe("package entries", () => {
  it("finds every package's entries and what they export", () => {
    expect([...exports.keys()]).toEqual(
      expect.arrayContaining([
        "@deploy/aws",
        "@deploy/core",
        "@deploy/core/testing",
        "@deploy/mock-data",
        "@deploy/release",
        "@deploy/sim",
      ]),
    );
    expect(exports.get("@deploy/core")).toContain("DeployError");
    // Names reached only through `export type * from` are counted too.
    expect(exports.get("@deploy/aws")).toContain("RolloutRequest");
    expect(uses.some((u) => u.specifier === "@deploy/core" && u.name === "DeployError")).toBe(true);
  });

  it("are imported by name, so that every use of a name can be counted", () => {
    const wholeModule = uses
      .filter((u) => u.name === undefined && exports.has(u.specifier))
      .map((u) => `${path.relative(root, u.file)}: ${u.specifier}`);
    expect(wholeModule).toEqual([]);
  });

  // The indexes only: `@deploy/core/testing` is also the module core's own tests use.
  const indexes = entries.filter((entry) => entry.specifier === entry.packageName);
  it.each(indexes.map((entry) => [entry.specifier, entry] as const))(
    "%s exports only names imported outside its own package",
    (specifier, entry) => {
      const used = new Set(
        uses.filter((u) => u.specifier === specifier && !insidePackage(u.file, entry)).map((u) => u.name),
      );
      const unused = (exports.get(specifier) ?? []).filter((name) => !used.has(name)).sort();
      expect(unused, `exported by ${specifier} but imported by no other package`).toEqual([]);
    },
  );
});

describe("action bundles", () => {
  const testing = path.join(root, "packages/core/src/testing.ts");
  // Text that only core's test helpers hold, one piece per helper, in case a bundler learns to
  // drop the unused ones: ncc does not minify, so names and string literals survive bundling.
  const markers = [
    "testRunContext(",
    "Expected a DeployError, but nothing was thrown.", // deployErrorFrom
    "Expected a DeployError, but the promise resolved.", // deployErrorOf
    "jumpScheduled", // virtualClock
    "seededRandom(",
  ];
  const bundles = filesUnder(path.join(root, "actions"), "dist").filter((file) => file.endsWith(".js"));

  it("the markers are still in packages/core/src/testing.ts, and there are bundles to look at", () => {
    const text = readFileSync(testing, "utf8");
    for (const marker of markers) expect(text, marker).toContain(marker);
    expect(bundles.length).toBeGreaterThan(0);
  });

  it.each(bundles.map((file) => path.relative(root, file)))("%s holds none of core's test helpers", (file) => {
    const text = readFileSync(path.join(root, file), "utf8");
    expect(markers.filter((marker) => text.includes(marker))).toEqual([]);
  });
});

/** Every file under each action's `folder`, e.g. actions/x/dist/**. */
function filesUnder(actionsDir: string, folder: string): string[] {
  return readdirSync(actionsDir, { withFileTypes: true })
    .filter((dirent) => dirent.isDirectory() && existsSync(path.join(actionsDir, dirent.name, folder)))
    .flatMap((dirent) =>
      readdirSync(path.join(actionsDir, dirent.name, folder), { withFileTypes: true, recursive: true })
        .filter((file) => file.isFile())
        .map((file) => path.join(file.parentPath, file.name)),
    );
}
