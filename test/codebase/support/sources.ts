import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

/** The repository root: every path below is relative to it, with forward slashes. */
export const ROOT = path.resolve(__dirname, "..", "..", "..");

/** Every `.ts` file under `dir` (relative to ROOT), in name order; `node_modules` and compiled output are not source. */
export function sourceFiles(dir: string): string[] {
    const found: string[] = [];
    const walk = (relative: string): void => {
        for (const entry of fs.readdirSync(path.join(ROOT, relative), { withFileTypes: true })) {
            const child = `${relative}/${entry.name}`;
            if (entry.isDirectory() && entry.name !== "node_modules" && entry.name !== "bin") walk(child);
            else if (entry.isFile() && entry.name.endsWith(".ts")) found.push(child);
        }
    };
    walk(dir);
    return found.sort();
}

/** Every module specifier a file names: imports and re-exports, `import()` calls and types, `require()` calls. */
export function importedSpecifiers(file: string): string[] {
    const source = ts.createSourceFile(file, fs.readFileSync(path.join(ROOT, file), "utf8"), ts.ScriptTarget.Latest, true);
    const found: string[] = [];
    const visit = (node: ts.Node): void => {
        if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
            found.push(node.moduleSpecifier.text);
        } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
            found.push(node.moduleReference.expression.text);
        } else if (ts.isCallExpression(node) && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === "require"))) {
            const [argument] = node.arguments;
            if (argument && ts.isStringLiteralLike(argument)) found.push(argument.text);
        } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
            found.push(node.argument.literal.text);
        }
        ts.forEachChild(node, visit);
    };
    visit(source);
    return found;
}
