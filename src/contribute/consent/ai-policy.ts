/**
 * Reads a repository's contribution documents (CONTRIBUTING.md, AI_POLICY.md, CODE_OF_CONDUCT.md)
 * for a policy on AI-generated contributions, and returns the decision with the sentence that
 * decided it. Pure: fetching the documents happens elsewhere.
 */
export type AiPolicyDecision = 'rejected' | 'allowed_with_disclosure' | 'allowed' | 'no_policy';

export interface AiPolicy {
  decision: AiPolicyDecision;
  /** The deciding sentence, verbatim from the document (line breaks normalised to \n). */
  quote?: string;
  path?: string;
}

export interface PolicyDocument {
  path: string;
  text: string;
}

interface Sentence {
  text: string;
  heading: string;
}

const AI_WORD = String.raw`(?:ai|a\.i\.|llms?|large language models?|chatgpt|gpt(?:-?\d[\w.]*)?|copilot|claude|gemini|genai|generative ai)`;
const AI_HEADING = new RegExp(String.raw`\b${AI_WORD}(?=\W|$)|\bbots?\b|\bautomat\w+ contributions?\b|\bagents?\b`);
const AI_SCOPE: RegExp[] = [
  new RegExp(String.raw`\b(?:ai|llm|machine|gpt|chatgpt|copilot|bot)[- ]?(?:generated|written|authored|assisted|created|produced|made|driven)\b`),
  new RegExp(String.raw`\b(?:generated|written|authored|created|produced|made|assisted|opened|submitted)\s+(?:\w+ly\s+)?(?:by|with|using|via|through)\s+(?:an?\s+|the\s+)?(?:use of\s+)?${AI_WORD}(?=\W|$)`),
  new RegExp(String.raw`\b(?:use|using|used|uses)\s+(?:of\s+)?${AI_WORD}(?=\W|$)`),
  new RegExp(String.raw`\b${AI_WORD}[- ](?:based\s+)?(?:tools?|assistants?|agents?|models?|contributions?|prs?|pull requests?|patch(?:es)?|code|slop|submissions?)\b`),
  /\b(?:coding|autonomous|ai) agents?\b/,
  /\bvibe[- ]cod\w*/,
  /\bautomated (?:pull requests?|prs?|contributions?|submissions?|patch(?:es)?)\b/,
  /\bbots?\b.*\b(?:pull requests?|prs?)\b/,
];
const AGENT_TRAP = new RegExp(String.raw`\bif you are an?\s+(?:${AI_WORD}|language model|bot|(?:ai |coding )?agent|automated)`);
const NEGATED_REJECT = /\b(?:not|never|no longer)\s+(?:be\s+)?(?:reject|ban|prohibit|forbid|disallow|close)\w*|\bno (?:rule|policy|ban|prohibition) against\b|\bdon'?t (?:mind|object)\b|\bnot (?:against|opposed)\b/;
const REJECT = new RegExp([
  String.raw`\b(?:do not|don't|will not|won't|cannot|can't|does not|doesn't|never|no longer)\s+(?:\w+\s+)?(?:accept|merge|allow|permit|review|consider|welcome|want)\b`,
  String.raw`\b(?:is|are|be|being)\s+(?:not|never)\s+(?:accepted|allowed|permitted|welcome|welcomed|merged|considered|reviewed)\b`,
  String.raw`\b(?:prohibited|forbidden|banned|disallowed|not allowed|not permitted|not welcome)\b`,
  String.raw`\bwill\s+(?:be\s+)?(?:immediately\s+|automatically\s+)?(?:closed|rejected|deleted|removed|reported|banned)\b`,
  String.raw`\b(?:reject|ban|block)(?:ed|s)?\b`,
  String.raw`\b(?:will|we)\s+(?:\w+\s+)?(?:close|reject|remove|delete|ban)\b`,
  String.raw`\b(?:do not|don't|never|must not|may not|should not|shouldn't|please don't|please do not)\s+(?:\w+\s+)?(?:use|submit|open|send|create|file|contribute)\b`,
  String.raw`\brefrain from\b|\bzero[- ]tolerance\b|\bno\s+${AI_WORD}[- ](?:generated|written|assisted)\b`,
].join('|'));
const DISCLOSE = /\b(?:disclos\w*|declar\w*|mention\w*|indicat\w*|state (?:that|clearly|which)|label\w*|mark\w* (?:as|it|them|your)|transparen\w*|let (?:us|the maintainers|maintainers) know|note (?:in|that)|acknowledg\w*|tag\w* (?:as|with)|attribut\w*|co-authored-by)/;
const DISCLOSURE_CONDITION = /\b(?:unless|except|if)\b[^.]*\b(?:disclos\w*|declar\w*|label\w*|mark\w*|mention\w*)|\bundisclosed\b|\bwithout (?:a |an |any )?(?:disclosure|attribution|label)|\bnot (?:disclosed|declared|labell?ed|marked)\b/;
const WELCOME = /\b(?:welcome\w*|fine|okay|ok|allowed|permitted|acceptable|encourag\w*|feel free|happy to|(?:you|contributors) (?:can|may) use|are accepted|is accepted|embrace\w*)\b/;

function splitSentences(segment: string): string[] {
  return segment.split(/(?<=[.!?][*_)"'\]]*)\s+(?=[^\s])/).map((s) => s.trim()).filter((s) => s !== '');
}

function sentences(doc: string): Sentence[] {
  const out: Sentence[] = [];
  let heading = '';
  let inFence = false;
  let segment: string[] = [];
  const flush = (): void => {
    if (segment.length === 0) return;
    for (const text of splitSentences(segment.join('\n'))) out.push({ text, heading });
    segment = [];
  };
  for (const line of doc.replace(/\r\n?/g, '\n').split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) {
      flush();
      inFence = !inFence;
      continue;
    }
    if (inFence) continue;
    const h = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) {
      flush();
      heading = h[1] ?? '';
      continue;
    }
    if (line.trim() === '') {
      flush();
      continue;
    }
    const item = /^\s*(?:[-*+]|\d+[.)])\s+/.exec(line);
    if (item) {
      flush();
      segment.push(line.slice(item[0].length));
      continue;
    }
    segment.push(line);
  }
  flush();
  return out;
}

const plain = (text: string): string => text.toLowerCase().replace(/[*_`~]+/g, '').replace(/[\u2018\u2019]/g, "'").replace(/\s+/g, ' ');

type Verdict = 'rejected' | 'allowed_with_disclosure' | 'allowed';

/** The verdict one sentence gives on AI-generated contributions, if it speaks to them at all. */
export function classifySentence(text: string, heading = ''): Verdict | undefined {
  const s = plain(text);
  if (AGENT_TRAP.test(s)) return 'rejected';
  const inScope = AI_SCOPE.some((re) => re.test(s)) || AI_HEADING.test(plain(heading));
  if (!inScope) return undefined;
  const reject = !NEGATED_REJECT.test(s) && REJECT.test(s);
  if (reject) return DISCLOSURE_CONDITION.test(s) ? 'allowed_with_disclosure' : 'rejected';
  if (DISCLOSE.test(s)) return 'allowed_with_disclosure';
  if (WELCOME.test(s) || NEGATED_REJECT.test(s)) return 'allowed';
  return undefined;
}

const RANK: Record<Verdict, number> = { rejected: 3, allowed_with_disclosure: 2, allowed: 1 };

/** The strictest verdict across the documents, with the first sentence that gave it. */
export function detectAiPolicy(documents: readonly PolicyDocument[]): AiPolicy {
  let best: { verdict: Verdict; quote: string; path: string } | undefined;
  for (const doc of documents) {
    for (const sentence of sentences(doc.text)) {
      const verdict = classifySentence(sentence.text, sentence.heading);
      if (verdict && (!best || RANK[verdict] > RANK[best.verdict])) best = { verdict, quote: sentence.text, path: doc.path };
    }
  }
  return best ? { decision: best.verdict, quote: best.quote, path: best.path } : { decision: 'no_policy' };
}
