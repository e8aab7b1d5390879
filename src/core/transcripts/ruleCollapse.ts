// The transcript viewer's rule-collapse call-out: rule collapse is the training rule's values
// under another rule, so it is called out for rule-OOD splits only.
import type { FailureGroup } from './types';

export function ruleCollapseNote(group: FailureGroup): string | undefined {
  const collapse = group.modes.find((m) => m.mode === 'rule-collapse');
  if (!collapse || group.splitKind !== 'rule-ood') return undefined;
  return `Rule collapse: ${collapse.count} of ${group.failures} failures answer with the other rule's numbers (J, Q, K counted as the training rule says) — memorized, not reasoned.`;
}
