export function initialBytes(htmlFile: string): { files: number; js: number; css: number };
