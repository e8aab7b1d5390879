// GeneralPoints in TypeScript against the shared vectors (written by the Python twin) and its spec.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  completeSolutions,
  deal,
  expertResponse,
  GeneralPointsEpisode,
  generalPointsConfig,
  prompt,
  referenceSolutions,
  solutions,
  suboptimalTrajectory,
  verify,
} from '../../src/core/envs/generalpoints';
import { Rng } from '../../src/core/envs/prng';
import { EnvServer } from '../../src/core/envs/server';

const vectors = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'test', 'vectors', 'generalpoints.json'), 'utf8')) as {
  verify: { name: string; config: Record<string, unknown>; cards: string[]; trainingFaceCards: string; output: string; expect: Record<string, unknown> }[];
  deal: { config: Record<string, unknown>; seed: number; cards: string[]; suits: string[]; values: number[]; solutions: number; firstSolution: string; promptSha256: string; expert: string }[];
  episodes: { config: Record<string, unknown>; seed: number; prompt: string; actions: string[]; steps: Record<string, unknown>[] }[];
  solutions: { values: number[]; target: number; reference: string[]; complete: string[] }[];
  trajectories: { config: Record<string, unknown>; seed: number; wrongAttempts: number; turns: { output: string; reward: number; message: string }[] }[];
  refused: { config: Record<string, unknown>; seed: number; error: string }[];
};

// Node encodes lone surrogates as U+FFFD in UTF-8; hash as Python does with surrogatepass.
function sha256(text: string): string {
  const bytes: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    else bytes.push(...Buffer.from(ch, 'utf8'));
  }
  return createHash('sha256').update(Buffer.from(bytes)).digest('hex');
}

describe('GeneralPoints: portable PRNG', () => {
  it('gives the pinned values (Python pins the same)', () => {
    const a = new Rng(42);
    assert.deepEqual([a.nextU32(), a.nextU32(), a.nextU32()], [660444221, 3652823732, 77672526]);
    const b = new Rng(0);
    assert.deepEqual(Array.from({ length: 8 }, () => b.below(13)), [4, 6, 7, 12, 5, 9, 9, 10]);
  });
});

describe('GeneralPoints: solvers', () => {
  it('solve 1362 of the 1820 rank multisets, both enumerations', () => {
    let reference = 0;
    let complete = 0;
    for (let a = 1; a <= 13; a++)
      for (let b = a; b <= 13; b++)
        for (let c = b; c <= 13; c++)
          for (let d = c; d <= 13; d++) {
            if (referenceSolutions([a, b, c, d], 24).length) reference++;
            if (completeSolutions([a, b, c, d], 24).length) complete++;
          }
    assert.equal(complete, 1362);
    assert.equal(reference, 1362);
  });

  for (const c of vectors.solutions) {
    it(`list the same solutions as Python for ${c.values.join(',')}`, () => {
      assert.deepEqual(referenceSolutions(c.values, c.target), c.reference);
      assert.deepEqual(completeSolutions(c.values, c.target), c.complete);
    });
  }
});

describe('GeneralPoints: shared verify vectors', () => {
  const server = new EnvServer();
  for (const c of vectors.verify) {
    const { verifier, modality, faceCards } = c.config as Record<string, string>;
    it(`${verifier}-${modality}-${faceCards} ${c.cards.join('')}: ${c.name}`, () => {
      const answer = JSON.parse(server.answer(JSON.stringify({ op: 'verify', config: c.config, state: { cards: c.cards, trainingFaceCards: c.trainingFaceCards }, output: c.output }))) as Record<string, unknown>;
      assert.deepEqual(answer, c.expect);
    });
  }
});

describe('GeneralPoints: shared deal and episode vectors', () => {
  for (const c of vectors.refused) {
    it(`refuses ${JSON.stringify(c.config)} (seed ${c.seed}) in the same words`, () => {
      assert.throws(() => deal(generalPointsConfig(c.config), c.seed), (err: Error) => err.message === c.error);
    });
  }
  for (const c of vectors.deal) {
    it(`deals ${JSON.stringify(c.config)} seed ${c.seed}`, () => {
      const config = generalPointsConfig(c.config);
      const hand = deal(config, c.seed);
      assert.deepEqual([hand.cards, hand.suits, hand.values, hand.solutions.length, hand.solutions[0]], [c.cards, c.suits, c.values, c.solutions, c.firstSolution]);
      assert.equal(sha256(prompt(config, hand)), c.promptSha256);
      assert.equal(expertResponse(hand), c.expert);
    });
  }
  for (const c of vectors.episodes) {
    it(`plays ${JSON.stringify(c.config)} seed ${c.seed} turn by turn`, () => {
      const episode = new GeneralPointsEpisode(generalPointsConfig(c.config), c.seed);
      assert.equal(episode.prompt, c.prompt);
      const steps = c.actions.map((a) => {
        const s = episode.step(a);
        return { reward: s.reward, message: s.message, done: s.done, success: s.success, truncated: s.truncated, prompt: s.nextPrompt ?? null, recognized: s.recognized ?? null, failureMode: s.failureMode ?? null };
      });
      assert.deepEqual(steps, c.steps);
      assert.throws(() => episode.step('again'), /episode is over/);
    });
  }
});

describe('GeneralPoints: sub-optimal SFT trajectories', () => {
  for (const c of vectors.trajectories) {
    it(`${JSON.stringify(c.config)} seed ${c.seed}, up to ${c.wrongAttempts} wrong`, () => {
      const config = generalPointsConfig(c.config);
      assert.deepEqual(suboptimalTrajectory(config, deal(config, c.seed), c.seed, c.wrongAttempts), c.turns);
    });
  }
});

describe('GeneralPoints: bad input', () => {
  it('any output gets a defined verdict, never an exception', () => {
    const hugeOutputs = ['', '\u0000'.repeat(10), '\ud800', '9'.repeat(100_000), '('.repeat(50_000), '{'.repeat(5000), '٣'.repeat(1000), `{"formula": "${'1+'.repeat(20000)}1"}`];
    for (const verifier of ['reference', 'strict']) {
      const config = generalPointsConfig({ env: 'generalpoints', verifier, modality: 'vision' });
      const hand = deal(config, 0);
      for (const output of hugeOutputs) {
        const v = verify(config, hand, output);
        assert.equal(typeof v.reward, 'number');
        assert.equal(typeof v.message, 'string');
      }
    }
  });

  it('a vision answer with no cards field is format (same reward and message); a misread hand is recognition', () => {
    for (const verifier of ['reference', 'strict']) {
      const config = generalPointsConfig({ env: 'generalpoints', verifier, modality: 'vision' });
      const hand = deal(config, 0);
      const misread = verify(config, hand, '{"cards": ["2", "2", "2", "2"], "formula": "1+2"}');
      assert.equal(misread.failureMode, 'recognition');
      for (const output of ['I am not sure.', '', '{"formula": "1+2"}']) {
        const v = verify(config, hand, output);
        assert.deepEqual([v.reward, v.message, v.recognized, v.failureMode], [misread.reward, misread.message, false, 'format'], output);
      }
    }
  });

  it("the reference's formulas that Python cannot evaluate are illegal-formula, scored as the reference scores them", () => {
    const config = generalPointsConfig({ env: 'generalpoints', verifier: 'reference' });
    const hand = { cards: ['6', '6', '6', '6'], suits: ['spades', 'spades', 'spades', 'spades'], values: [6, 6, 6, 6], solutions: solutions([6, 6, 6, 6], 24, 'reference') } as Parameters<typeof verify>[1];
    const cases: [string, number, string, string][] = [
      ['(6+6)+(6+6', 1, 'partial solution.', 'illegal-formula'],
      ['(6+6+6+6', -1, '(6+6+6 is partially correct but the full formula does not match any solution.', 'illegal-formula'],
      ['6+6+6+6+', -1, '6+6+6+6 is partially correct but the full formula does not match any solution.', 'illegal-formula'],
      ['6/(6-6)+6', -1, '6 is partially correct but the full formula does not match any solution.', 'illegal-formula'],
      ['6+6+6-6', -1, '6+6+6 is partially correct but the full formula does not match any solution.', 'arithmetic'],
    ];
    for (const [formula, reward, message, mode] of cases) {
      const v = verify(config, hand, `{"formula": "${formula}"}`);
      assert.deepEqual([v.reward, v.message, v.failureMode], [reward, message, mode], formula);
    }
  });

  it('some face cards valued by the training rule (J as 10 when J = 11) are rule collapse', () => {
    for (const verifier of ['reference', 'strict'] as const) {
      const config = generalPointsConfig({ env: 'generalpoints', verifier, faceCards: '11-12-13' }); // a rule-OOD split, trained on all-10
      const hand = { cards: ['J', 'Q', '2', '3'], suits: ['spades', 'spades', 'spades', 'spades'], values: [11, 12, 2, 3], solutions: solutions([11, 12, 2, 3], 24, verifier) } as Parameters<typeof verify>[1];
      const mode = (formula: string) => verify(config, hand, `{"formula": "${formula}"}`, 'all-10').failureMode;
      assert.deepEqual(['10+12+2*3', '11+10+2+3', '10+10+2+3', '10+12+2*4', '10+13+2+3'].map(mode), ['rule-collapse', 'rule-collapse', 'rule-collapse', 'wrong-numbers', 'wrong-numbers']);
    }
  });

  it('an invalid config names the field', () => {
    assert.throws(() => generalPointsConfig({ env: 'generalpoints', faceCards: 'all-11' }), /environment\.faceCards: must be one of 'all-10', '11-12-13'/);
    assert.throws(() => generalPointsConfig({ env: 'generalpoints', target: 0 }), /environment\.target/);
    assert.throws(() => generalPointsConfig({ env: 'generalpoints', actionSpace: 'relative' }), /environment\.actionSpace: unknown key/);
  });

  it('the env server answers every line, errors included, and keeps serving', () => {
    const server = new EnvServer();
    const answers = ['not json', '[]', '{"op":"dance"}', '{"op":"step","action":"x"}', '{"op":"reset","config":{"env":"generalpoints"},"seed":-1}', '{"op":"reset","config":{"env":"generalpoints"},"seed":3,"id":"a"}', '{"op":"step","action":"{\\"formula\\": \\"1\\"}"}'].map(
      (line) => JSON.parse(server.answer(line)) as Record<string, unknown>,
    );
    assert.match(String(answers[0]!.error), /invalid JSON request/);
    assert.match(String(answers[1]!.error), /must be a JSON object/);
    assert.match(String(answers[2]!.error), /"op" must be/);
    assert.match(String(answers[3]!.error), /send a reset first/);
    assert.match(String(answers[4]!.error), /"seed"/);
    assert.equal(answers[5]!.id, 'a');
    assert.equal(typeof answers[5]!.prompt, 'string');
    assert.equal(answers[6]!.done, false);
  });
});
