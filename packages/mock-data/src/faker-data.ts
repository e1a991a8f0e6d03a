// Faker methods, drawn from @faker-js/faker's locale data directly. Faker's API costs about 30 µs a value
// here (35k rows/s); picking from its arrays with the keyed generator costs well under 1 µs. The shapes
// are faker's (a full name is a first and a last name, a product name is adjective, material, product),
// composed by hand rather than by interpreting faker's templates, so they are fixed by the generator
// version and the pinned faker package, whose data is part of that version.
import { DeployError } from "@deploy/core";
import { allLocales, type LocaleDefinition } from "@faker-js/faker";
import type { Draw } from "./random.ts";

/** A faker method's generator: draws one value for a row. `unique` values carry the row, see `uniqueText`. */
export type FakerValue = (draw: Draw, row: number, unique: boolean) => string;

/** Looks up a data array by path ("person.first_name") through the seed's locales, then en, then base. */
type Lookup = (path: string) => readonly string[];

const methods = {
  "person.firstName": (data) => pickFrom(data("person.first_name")),
  "person.lastName": (data) => pickFrom(data("person.last_name")),
  "person.fullName": (data) => {
    const first = data("person.first_name");
    const last = data("person.last_name");
    return (draw, row, unique) => uniqueText(`${draw.pick(first)} ${draw.pick(last)}`, row, unique);
  },
  "person.jobTitle": (data) => {
    const descriptor = data("person.job_descriptor");
    const area = data("person.job_area");
    const type = data("person.job_type");
    return (draw, row, unique) =>
      uniqueText(`${draw.pick(descriptor)} ${draw.pick(area)} ${draw.pick(type)}`, row, unique);
  },
  "person.sex": (data) => pickFrom(data("person.sex")),
  "internet.email": (data) => {
    const first = data("person.first_name");
    const last = data("person.last_name");
    const provider = data("internet.free_email");
    return (draw, row, unique) => `${localPart(draw, first, last, row, unique)}@${draw.pick(provider)}`;
  },
  "internet.username": (data) => {
    const first = data("person.first_name");
    const last = data("person.last_name");
    return (draw, row, unique) => localPart(draw, first, last, row, unique);
  },
  "internet.domainName": (data) => {
    const last = data("person.last_name");
    const suffix = data("internet.domain_suffix");
    return (draw, row, unique) => domain(draw, last, suffix, row, unique);
  },
  "internet.url": (data) => {
    const last = data("person.last_name");
    const suffix = data("internet.domain_suffix");
    return (draw, row, unique) => `https://${domain(draw, last, suffix, row, unique)}`;
  },
  "location.city": (data) => pickFrom(data("location.city_name")),
  "location.country": (data) => pickFrom(data("location.country")),
  "location.state": (data) => pickFrom(data("location.state")),
  "location.zipCode": (data) => {
    const formats = data("location.postcode");
    return (draw, row, unique) => uniqueText(digits(draw, draw.pick(formats)), row, unique);
  },
  "location.street": (data) => {
    const last = data("person.last_name");
    const suffix = data("location.street_suffix");
    return (draw, row, unique) => uniqueText(`${draw.pick(last)} ${draw.pick(suffix)}`, row, unique);
  },
  "location.streetAddress": (data) => {
    const number = data("location.building_number");
    const last = data("person.last_name");
    const suffix = data("location.street_suffix");
    return (draw, row, unique) =>
      uniqueText(`${digits(draw, draw.pick(number))} ${draw.pick(last)} ${draw.pick(suffix)}`, row, unique);
  },
  "company.name": (data) => {
    const last = data("person.last_name");
    const entity = data("company.legal_entity_type");
    return (draw, row, unique) => {
      const shape = draw.below(3);
      const name =
        shape === 0
          ? `${draw.pick(last)} ${draw.pick(entity)}`
          : shape === 1
            ? `${draw.pick(last)} - ${draw.pick(last)}`
            : `${draw.pick(last)}, ${draw.pick(last)} and ${draw.pick(last)}`;
      return uniqueText(name, row, unique);
    };
  },
  "commerce.productName": (data) => {
    const adjective = data("commerce.product_name.adjective");
    const material = data("commerce.product_name.material");
    const product = data("commerce.product_name.product");
    return (draw, row, unique) =>
      uniqueText(`${draw.pick(adjective)} ${draw.pick(material)} ${draw.pick(product)}`, row, unique);
  },
  "commerce.department": (data) => pickFrom(data("commerce.department")),
  "color.human": (data) => pickFrom(data("color.human")),
  "phone.number": (data) => {
    const formats = data("phone_number.format.human");
    return (draw, row, unique) => uniqueText(digits(draw, draw.pick(formats)), row, unique, " x");
  },
  "lorem.word": (data) => pickFrom(data("lorem.word")),
  "lorem.words": (data) => {
    const words = data("lorem.word");
    return (draw, row, unique) => uniqueText(wordList(draw, words, 3, 3), row, unique);
  },
  "lorem.sentence": (data) => {
    const words = data("lorem.word");
    return (draw, row, unique) => uniqueText(sentence(draw, words), row, unique);
  },
  "lorem.paragraph": (data) => {
    const words = data("lorem.word");
    return (draw, row, unique) => {
      const count = 3 + draw.below(4);
      let text = sentence(draw, words);
      for (let i = 1; i < count; i++) text += ` ${sentence(draw, words)}`;
      return uniqueText(text, row, unique);
    };
  },
  "word.noun": (data) => pickFrom(data("word.noun")),
  "word.adjective": (data) => pickFrom(data("word.adjective")),
  "word.verb": (data) => pickFrom(data("word.verb")),
} satisfies Record<string, (data: Lookup) => FakerValue>;

export type FakerMethod = keyof typeof methods;

/** The faker methods a seed file may name (`faker: person.fullName`); the seed file parser validates against it. */
export const FAKER_METHODS: readonly FakerMethod[] = Object.keys(methods).sort() as FakerMethod[];

/** The locale names a seed file may list (faker's: en, de, fr, pt_BR...). */
export const FAKER_LOCALES: readonly string[] = Object.keys(allLocales).sort();

export function isFakerMethod(name: string): name is FakerMethod {
  return Object.hasOwn(methods, name);
}

/**
 * The generator for a faker method, drawing from the locales in order (first wins), then en, then base,
 * as faker's own locale chain does. `path` names the column in errors.
 */
export function fakerValue(method: string, locales: readonly string[], path: string): FakerValue {
  if (!isFakerMethod(method)) {
    throw new DeployError({
      what: `${path}: faker method "${method}" is not supported.`,
      fix: `Use one of: ${FAKER_METHODS.join(", ")}.`,
      code: "SeedFileInvalid",
    });
  }
  return methods[method](lookup(locales, path));
}

function lookup(locales: readonly string[], path: string): Lookup {
  const chain: LocaleDefinition[] = [];
  for (const name of [...locales, "en", "base"]) {
    const locale = (allLocales as Record<string, LocaleDefinition | undefined>)[name];
    if (locale === undefined) {
      throw new DeployError({
        what: `${path}: locale "${name}" is not one of faker's.`,
        fix: `Use faker locale names, e.g. en, de, fr, pt_BR (all: ${FAKER_LOCALES.join(", ")}).`,
        code: "SeedFileInvalid",
      });
    }
    chain.push(locale);
  }
  return (dataPath) => {
    for (const locale of chain) {
      const found = flatten(dataPath.split(".").reduce<unknown>((node, part) => (node as never)?.[part], locale));
      if (found.length > 0) return found;
    }
    throw new DeployError({
      what: `${path}: faker has no data at ${dataPath} in locales ${locales.join(", ")}.`,
      fix: "Add a locale that has it (en has all), or use another faker method.",
      code: "SeedFileInvalid",
    });
  };
}

/**
 * Faker keeps names as { generic, female, male } in some locales; all of them together give more variety
 * than `generic` alone (de's generic first names are ten). Only strings count: templates ({{...}}) are skipped.
 */
function flatten(node: unknown): string[] {
  if (Array.isArray(node))
    return node.filter((item): item is string => typeof item === "string" && !item.includes("{{"));
  if (node !== null && typeof node === "object") return Object.values(node).flatMap(flatten);
  return [];
}

function pickFrom(list: readonly string[]): FakerValue {
  return (draw, row, unique) => uniqueText(draw.pick(list), row, unique);
}

/**
 * Unique text: the value, the separator and the row in base 36. The row's digits never contain the
 * separator's last character, so the text after the separator's last occurrence is the row: distinct
 * rows give distinct values whatever the faker text is.
 */
function uniqueText(text: string, row: number, unique: boolean, separator = "-"): string {
  return unique ? `${text}${separator}${row.toString(36)}` : text;
}

/** An email local part or user name: ASCII, from a first and a last name; unique ones end in ".<row base 36>". */
function localPart(draw: Draw, first: readonly string[], last: readonly string[], row: number, unique: boolean) {
  const name = `${slug(draw.pick(first))}.${slug(draw.pick(last))}`;
  if (unique) return `${name}.${row.toString(36)}`;
  const number = draw.below(200);
  return number < 100 ? `${name}${number}` : name;
}

/** A domain; a unique one is "<name>-<row base 36>.<suffix>" (the name is a slug: no "-", so the row is recoverable). */
function domain(draw: Draw, last: readonly string[], suffix: readonly string[], row: number, unique: boolean) {
  return `${slug(draw.pick(last))}${unique ? `-${row.toString(36)}` : ""}.${draw.pick(suffix)}`;
}

const slugCache = new Map<string, string>();

/** Lower-case ASCII letters and digits only (names carry accents, spaces, apostrophes). Memoised: names repeat. */
function slug(text: string): string {
  let result = slugCache.get(text);
  if (result === undefined) {
    result = text
      .normalize("NFKD")
      .replace(/[^A-Za-z0-9]/g, "")
      .toLowerCase();
    if (result === "") result = "x";
    slugCache.set(text, result);
  }
  return result;
}

/** Faker's digit formats: # any digit, ! a digit 2-9. */
function digits(draw: Draw, format: string): string {
  let text = "";
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    text += c === "#" ? String(draw.below(10)) : c === "!" ? String(2 + draw.below(8)) : c;
  }
  return text;
}

function wordList(draw: Draw, words: readonly string[], min: number, max: number): string {
  const count = min + draw.below(max - min + 1);
  let text = draw.pick(words);
  for (let i = 1; i < count; i++) text += ` ${draw.pick(words)}`;
  return text;
}

function sentence(draw: Draw, words: readonly string[]): string {
  const text = wordList(draw, words, 3, 10);
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}
