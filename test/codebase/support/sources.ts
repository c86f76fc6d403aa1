import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

/** The repository root: every path below is relative to it, with forward slashes. */
export const ROOT = path.resolve(__dirname, "..", "..", "..");

/** One function, method, constructor, accessor or arrow function with a block body, and its length. */
export interface MeasuredFunction {
    /** Named after the declarations around it (`FargateService.constructor`, `requireRdsBackups.validateResource`). */
    readonly name: string;
    /** First line of its signature (1-based). */
    readonly line: number;
    /** Lines from its signature to its closing brace, both included. */
    readonly lines: number;
}

export interface MeasuredFile {
    readonly file: string;
    readonly lines: number;
    readonly functions: readonly MeasuredFunction[];
}

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

/** The name a declaration gives the node it declares, if any. */
function declaredName(node: ts.Node, source: ts.SourceFile): string | undefined {
    if (ts.isConstructorDeclaration(node)) return "constructor";
    if (ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node) || ts.isMethodDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node)
        || ts.isVariableDeclaration(node) || ts.isPropertyAssignment(node) || ts.isPropertyDeclaration(node) || ts.isFunctionExpression(node)) {
        return node.name?.getText(source);
    }
    return undefined;
}

function isMeasured(node: ts.Node): node is ts.FunctionLikeDeclaration {
    if (ts.isArrowFunction(node)) return ts.isBlock(node.body);
    return (ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node)
        || ts.isGetAccessor(node) || ts.isSetAccessor(node)) && node.body !== undefined;
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

/** Lines of the file and of every function in it, parsed with the TypeScript compiler (comments before a signature do not count). */
export function measure(file: string): MeasuredFile {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const lineOf = (position: number) => source.getLineAndCharacterOfPosition(position).line + 1;
    const functions: MeasuredFunction[] = [];
    const visit = (node: ts.Node, names: readonly string[]): void => {
        const own = declaredName(node, source);
        const here = own !== undefined ? [...names, own] : names;
        if (isMeasured(node)) {
            // An anonymous function takes the name of what it is assigned to (a variable or property above it).
            const named = own !== undefined || (node.parent && declaredName(node.parent, source) !== undefined);
            const name = (named ? here : [...here, "(anonymous)"]).join(".") || "(anonymous)";
            const line = lineOf(node.getStart(source));
            functions.push({ name, line, lines: lineOf(node.getEnd()) - line + 1 });
        }
        ts.forEachChild(node, (child) => visit(child, here));
    };
    visit(source, []);
    const lines = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
    return { file, lines, functions };
}
