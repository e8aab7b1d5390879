// New Experiment: configs made from the paper's presets in examples/, and the "SFT vs RL"
// suite (the paper's experiment: one Init, then SFT and RL scaled separately from it).
// Pure: callers pass the preset's text and write the files.

export interface Template {
  id: string;
  label: string;
  detail: string;
  /** The preset in examples/. */
  example: string;
}

export const TEMPLATES: Template[] = [
  { id: 'gp-l', label: 'GP-L', detail: 'GeneralPoints, language: train all-10 face cards, OOD J/Q/K = 11/12/13 (paper recipe, 8 GPUs)', example: 'gp-l.ptlab.json' },
  { id: 'gp-vl', label: 'GP-VL', detail: 'GeneralPoints, vision: black suits for training, rule OOD and red-suit visual OOD', example: 'gp-vl.ptlab.json' },
  { id: 'virl-l', label: 'V-IRL-L', detail: 'V-IRL navigation, language: absolute actions for training, relative actions OOD', example: 'virl-l.ptlab.json' },
  { id: 'virl-vl', label: 'V-IRL-VL', detail: 'V-IRL navigation, vision: street-view grids, rule OOD and other cities visual OOD', example: 'virl-vl.ptlab.json' },
  { id: 'tiny', label: 'Tiny GP-L (CPU)', detail: 'The embedded tiny model on GP-L: SFT, PPO and evaluation on a CPU in minutes', example: 'tiny.ptlab.json' },
];

export const SUITE_ID = 'sft-vs-rl';
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface NewFile {
  /** Relative to the folder the user chose, with forward slashes. */
  path: string;
  text: string;
}

type Config = Record<string, unknown> & { sft?: Record<string, unknown>; ppo?: Record<string, unknown> };

/** Where the Init checkpoint of experiment `name` lands (Run SFT without sft.init writes `sft-init`). */
export function initCheckpoint(name: string, outputDir = 'runs'): string {
  return `${outputDir}/${name}/sft-init/checkpoints/final`;
}

export function nameProblem(name: string): string | undefined {
  return NAME_PATTERN.test(name) ? undefined : 'letters, digits, ".", "_" or "-", starting with a letter or digit (at most 64)';
}

/** One config from a preset, renamed, its PPO starting from this experiment's own Init. */
export function configFromTemplate(exampleText: string, name: string): NewFile[] {
  const config = JSON.parse(exampleText) as Config;
  config.name = name;
  if (config.ppo) config.ppo.init = initCheckpoint(name, outputDirOf(config));
  return [{ path: `${name}.ptlab.json`, text: format(config) }];
}

/**
 * The paper's experiment as a folder of three configs sharing one experiment name (so the
 * Runs view and the dashboard show them together):
 *   1-init.ptlab.json  SFT from the base model -> runs/NAME/sft-init (the Init checkpoint)
 *   2-sft.ptlab.json   more SFT from Init      -> runs/NAME/sft
 *   3-rl.ptlab.json    PPO from Init           -> runs/NAME/ppo
 * with the same environment and evaluation splits, so ID and OOD curves compare directly.
 */
export function sftVsRlSuite(exampleText: string, name: string, baseLabel: string): NewFile[] {
  const base = JSON.parse(exampleText) as Config;
  const { sft, ppo, ...shared } = base;
  const outputDir = outputDirOf(base);
  const init = initCheckpoint(name, outputDir);
  const common = { ...shared, name };
  const description = (what: string) => `${what} (SFT vs RL suite on ${baseLabel}; see README.md).`;
  const files: NewFile[] = [
    { path: `${name}/1-init.ptlab.json`, text: format({ ...common, description: description('Step 1: SFT from the base model, the Init checkpoint both arms start from'), sft: { ...sft } }) },
    { path: `${name}/2-sft.ptlab.json`, text: format({ ...common, description: description('Step 2a: scale SFT from Init on the training variant'), sft: { ...sft, init } }) },
    { path: `${name}/3-rl.ptlab.json`, text: format({ ...common, description: description('Step 2b: scale RL (multi-turn PPO) from Init on the training variant'), ppo: { ...ppo, init } }) },
    { path: `${name}/README.md`, text: suiteReadme(name, baseLabel, init, outputDir) },
  ];
  return files;
}

function suiteReadme(name: string, baseLabel: string, init: string, outputDir: string): string {
  return `# ${name}: SFT vs RL (${baseLabel})

The experiment of "SFT Memorizes, RL Generalizes": from one Init checkpoint, scale SFT and
RL separately on the same training variant, evaluate every checkpoint in distribution (ID)
and out of distribution (OOD), and compare success against training compute (GFLOPs).

1. \`1-init.ptlab.json\`: **Run SFT**. SFT from the base model teaches the output format;
   it writes \`${init}\`, the Init both arms start from (RL from a model that cannot follow
   the format fails, section 5.4 of the paper).
2. \`2-sft.ptlab.json\`: **Run SFT** (from Init, into \`${outputDir}/${name}/sft\`). With Init's \`seed\`
   and data it trains on Init's examples again, its first epoch in Init's order, as the
   reference's HF Trainer (its sampler seeded alike) does; for fresh data give it another \`seed\`.
3. \`3-rl.ptlab.json\`: **Run PPO** (from Init, into \`${outputDir}/${name}/ppo\`).
4. **Open Dashboard**: ID (top) and OOD (bottom) success vs GFLOPs for both arms. The
   paper's finding: both improve ID; RL improves OOD while SFT degrades it.

Steps 2 and 3 can run at the same time on different GPUs (**Select GPUs** before each).
All three configs share the experiment name \`${name}\`, so the Runs view groups their runs.
`;
}

function outputDirOf(config: Config): string {
  return typeof config.outputDir === 'string' ? config.outputDir : 'runs';
}

function format(config: unknown): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}
