import { util, type DataType } from "apache-arrow";

/** True when two Arrow types are the same (type, widths, units, children), whichever Arrow copy made them. */
export function sameType(a: DataType, b: DataType): boolean {
  return util.compareTypes(a, b);
}
