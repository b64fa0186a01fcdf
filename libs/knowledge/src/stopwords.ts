/**
 * English function words: down-weighted by the hashing embedder and never the head of an
 * extracted entity. Hand-picked (articles, pronouns, auxiliaries, prepositions, conjunctions,
 * quantifiers and a few discourse words); all lowercase, compare against lowercased tokens.
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  `a about above across after afterwards again against all almost alone along already also although always am among
  amongst an and another any anybody anyhow anyone anything anyway anywhere are around as at be became because become
  becomes been before beforehand being below beside besides between beyond both but by can cannot could did do does
  doing done down during each either else elsewhere enough etc even ever every everybody everyone everything everywhere
  except few for former formerly from further had has have having he hence her here hereby herein hers herself him
  himself his how however i if in indeed into is it its itself just last latter least less let many may me meanwhile
  might mine more moreover most mostly much must my myself neither never nevertheless next no nobody none nor not
  nothing now nowhere of off often on once one only onto or other others otherwise our ours ourselves out over own per
  perhaps rather same several shall she should since so some somehow someone something sometime sometimes somewhere
  still such than that the their theirs them themselves then thence there thereafter thereby therefore therein
  thereupon these they this those though through throughout thus to together too toward towards under until up upon
  us very via was we well were what whatever when whence whenever where whereas whereby wherein whether which while
  whither who whoever whole whom whose why will with within without would yet you your yours yourself yourselves
  's 're 've 'll 'd n't don't doesn't didn't isn't aren't wasn't weren't won't wouldn't can't couldn't shouldn't
  it's i'm i've i'd i'll we're we've we'll you're you've they're they've that's there's let's also mr mrs ms`
    .split(/\s+/)
    .filter(Boolean),
);

export function isStopword(lowercased: string): boolean {
  return STOPWORDS.has(lowercased);
}
