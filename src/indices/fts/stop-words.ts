/**
 * Quiver's English stop words: articles, pronouns, auxiliary and modal verbs,
 * prepositions and conjunctions — words so common that they say little about
 * what a text is about, and that would otherwise dominate every posting list.
 * Compiled for Quiver. Lowercase; with `lowercase: false` only lowercase tokens
 * match.
 */
const ENGLISH = `
a an the
i me my mine myself we us our ours ourselves you your yours yourself yourselves
he him his himself she her hers herself it its itself they them their theirs themselves
this that these those who whom whose which what
am is are was were be been being
have has had having do does did doing
will would shall should can could may might must
and or but nor so yet if then else than because while until unless although though
of at by for with about against between into through during before after above below
to from up down in out on off over under again further once
here there when where why how
all any both each few more most other some such
no not only own same too very
just also as
`;

/** The built-in stop words of each language, by the language's name. */
export const STOP_WORDS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ["English", new Set(ENGLISH.split(/\s+/).filter((w) => w.length > 0))],
]);
