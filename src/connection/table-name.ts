import { InvalidArgumentError } from "../errors.js";

const TABLE_NAME = /^[A-Za-z0-9_\-.]+$/;

/**
 * Refuses names that are empty, contain path separators or other characters
 * outside letters, digits, `_`, `-` and `.`, or are `.`/`..` — a table name
 * becomes a folder name, so anything else could escape the database folder.
 * LanceDB allows the same character set.
 */
export function checkTableName(name: unknown): string {
  if (typeof name !== "string" || name.length === 0) {
    throw new InvalidArgumentError(
      `Invalid table name ${JSON.stringify(name)}: a table name must be a non-empty string, such as "docs".`,
      "name",
    );
  }
  if (!TABLE_NAME.test(name) || name === "." || name === ".." || name.startsWith(".")) {
    throw new InvalidArgumentError(
      `Invalid table name "${name}": use only letters, digits, '_', '-' and '.', and do not start with '.'; ` +
        `path separators and '..' are refused because the name becomes a folder.`,
      "name",
    );
  }
  return name;
}

/** Folder of a table inside the database folder. */
export function tableDirName(name: string): string {
  return `${name}.quiver`;
}

/** The table name of a folder name, or undefined for other folders. */
export function tableNameOfDir(dir: string): string | undefined {
  return dir.endsWith(".quiver") && !dir.startsWith(".") ? dir.slice(0, -".quiver".length) : undefined;
}
