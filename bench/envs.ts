// Environment benchmarks, TypeScript and Python side by side, plus the differential fuzz at
// full size. `npm run bench:envs` (after npm test has set up .venv). Prints a table.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import * as gp from '../src/core/envs/generalpoints';
import { EnvServer } from '../src/core/envs/server';
import { nodeRouteFileLoader } from '../src/core/envs/routeFiles';
import { generateRoutes } from '../src/core/envs/cities';
import { expertResponse, parseRoutes, virlConfig, VirlEpisode } from '../src/core/envs/virl';
import { fuzzRequests, virlFuzzRequests } from '../test/support/gpFuzz';
import { askPython, repoRoot, venvPython } from '../test/support/pythonEnvServer';

interface Row {
  language: string;
  solveAll1820ReferenceSeconds: number;
  solveAll1820CompleteSeconds: number;
  verifyPerSecond: number;
  stepsPerSecond: number;
  virlStepsPerSecond: number;
}

const vectors = JSON.parse(readFileSync(join(repoRoot, 'test', 'vectors', 'generalpoints.json'), 'utf8')) as {
  verify: { config: Record<string, unknown>; cards: gp.Rank[]; output: string }[];
};

function multisets(): number[][] {
  const all: number[][] = [];
  for (let a = 1; a <= 13; a++) for (let b = a; b <= 13; b++) for (let c = b; c <= 13; c++) for (let d = c; d <= 13; d++) all.push([a, b, c, d]);
  return all;
}

function seconds(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function rate(minSeconds: number, round: () => number): number {
  let count = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < minSeconds) {
    count += round();
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  return count / elapsed;
}

function typescriptRow(): Row {
  // Distinct targets keep each solver run cold: the cache is keyed by target.
  const reference = seconds(() => multisets().forEach((m) => gp.referenceSolutions(m, 24)));
  const complete = seconds(() => multisets().forEach((m) => gp.completeSolutions(m, 24)));
  const cases = vectors.verify.map((c) => {
    const config = gp.generalPointsConfig(c.config);
    const values = c.cards.map((x) => gp.cardValue(x, config.faceCards));
    return { config, hand: { cards: c.cards, suits: [], values, solutions: gp.solutions(values, config.target, config.verifier) } as gp.Hand, output: c.output };
  });
  const verifyPerSecond = rate(2, () => {
    for (const c of cases) gp.verify(c.config, c.hand, c.output);
    return cases.length;
  });
  const config = gp.generalPointsConfig({ env: 'generalpoints', verifier: 'reference' });
  for (let s = 0; s < 2000; s++) gp.deal(config, s);
  let seed = 0;
  const stepsPerSecond = rate(2, () => {
    const ep = new gp.GeneralPointsEpisode(config, seed++ % 2000);
    let steps = 0;
    while (!ep.done) {
      ep.step(ep.attempts < 3 ? '{"formula": "1+2+3"}' : gp.expertResponse(ep.hand));
      steps++;
    }
    return steps;
  });
  const virlCfg = virlConfig({ env: 'virl', routes: { synthetic: { city: 'nyc', routes: 1000 } }, verifier: 'reference' });
  const routes = parseRoutes(generateRoutes('nyc', 1000, 0), 'nyc');
  let virlSeed = 0;
  let virlCount = 0;
  const virlStepsPerSecond = rate(2, () => {
    const ep = new VirlEpisode(virlCfg, routes, virlSeed++);
    let steps = 0;
    while (!ep.done) {
      ep.step(virlCount++ % 4 ? expertResponse(virlCfg, ep.route, ep.rail, ep.position) : '{"action": "stop()"}');
      steps++;
    }
    return steps;
  });
  return { language: 'typescript', solveAll1820ReferenceSeconds: reference, solveAll1820CompleteSeconds: complete, verifyPerSecond, stepsPerSecond, virlStepsPerSecond };
}

function pythonRow(): Row {
  const run = spawnSync(venvPython(), [join(repoRoot, 'bench', 'generalpoints.py')], { cwd: join(repoRoot, 'trainer'), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as Row;
}

async function differential(requests: string[]): Promise<string> {
  const cases = requests.length;
  const start = process.hrtime.bigint();
  const python = await askPython(requests);
  const server = new EnvServer(nodeRouteFileLoader(repoRoot));
  let differ = 0;
  requests.forEach((r, i) => {
    if (JSON.stringify(JSON.parse(server.answer(r))) !== JSON.stringify(JSON.parse(python[i]!))) differ++;
  });
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  return `${cases - differ}/${cases} requests answered identically (${differ} differ), ${s.toFixed(1)} s`;
}

async function main(): Promise<void> {
  const cases = Number(process.env.PTLAB_FUZZ_CASES ?? 100_000);
  console.log(`machine: ${cpus()[0]?.model ?? 'unknown'} x${cpus().length}, node ${process.version}`);
  const rows = [typescriptRow(), pythonRow()];
  const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  console.log('\nenvironments            typescript      python   ts/py');
  const line = (label: string, key: keyof Row, digits: number, lowerIsBetter: boolean) => {
    const [t, p] = rows.map((r) => r[key] as number) as [number, number];
    console.log(`${label.padEnd(22)} ${fmt(t, digits).padStart(11)} ${fmt(p, digits).padStart(11)}   ${(lowerIsBetter ? p / t : t / p).toFixed(1)}x`);
  };
  line('solve 1820, reference s', 'solveAll1820ReferenceSeconds', 2, true);
  line('solve 1820, complete s', 'solveAll1820CompleteSeconds', 2, true);
  line('verify calls/s', 'verifyPerSecond', 0, false);
  line('env steps/s', 'stepsPerSecond', 0, false);
  line('V-IRL env steps/s', 'virlStepsPerSecond', 0, false);
  console.log(`\ndifferential fuzz, GeneralPoints: ${await differential([...fuzzRequests(1, cases)])}`);
  const routesFile = 'test/vectors/virl-routes.json';
  const { path, data } = nodeRouteFileLoader(repoRoot)(routesFile);
  console.log(`differential fuzz, V-IRL: ${await differential([...virlFuzzRequests(1, cases, { [routesFile]: parseRoutes(data, path) })])}`);
}

void main();
