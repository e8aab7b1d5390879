// Finding an episode in episodes.jsonl by step and split (the dashboard's click-through).

/** Whether one line of episodes.jsonl is an episode of this step and split (bad lines are not). */
export function isEpisodeOf(line: string, step: number, split: string): boolean {
  if (!line.includes(`${step}`) || !line.includes(split)) return false; // most lines end here, unparsed
  try {
    const value = JSON.parse(line) as { step?: unknown; split?: unknown };
    return value.step === step && value.split === split;
  } catch {
    return false;
  }
}
