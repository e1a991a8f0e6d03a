/**
 * Serialises a response for the Query protocols. The handler returns plain objects with the
 * service's own element names; arrays become a list of `itemName` elements (EC2 uses
 * `item`, Auto Scaling `member`); Dates become ISO 8601; undefined fields are left out,
 * as AWS leaves out unset members.
 */
export function toXml(value: unknown, itemName: string): string {
  if (value === undefined || value === null) return "";
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => `<${itemName}>${toXml(v, itemName)}</${itemName}>`).join("");
  if (typeof value === "object") {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => `<${k}>${toXml(v, itemName)}</${k}>`)
      .join("");
  }
  return escapeXml(String(value));
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
