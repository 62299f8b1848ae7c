import type { TransferView } from '@kopru/client';
import { useTranslation } from 'react-i18next';
import { formatBytes } from './format.js';

/** The sentence that explains why a transfer stopped, for both sides. */
export function TransferProblemText({ transfer, peerName }: { transfer: TransferView; peerName: string }) {
  const { t, i18n } = useTranslation();
  const problem = transfer.problem;
  if (!problem) return null;
  const size = (n: number | undefined) => formatBytes(n ?? 0, i18n.language);
  let text: string;
  switch (problem.code) {
    case 'declined': {
      const self = problem.by === 'self';
      const args = { name: peerName, needed: size(problem.neededBytes), free: size(problem.freeBytes) };
      if (problem.reason === 'quota')
        text = t(self ? 'transfer.problem.quotaSelf' : 'transfer.problem.quotaPeer', args);
      else if (problem.reason === 'too-large') {
        text = t(self ? 'transfer.problem.tooLargeSelf' : 'transfer.problem.tooLargePeer', args);
      } else text = t(self ? 'transfer.problem.declinedBySelf' : 'transfer.problem.declinedByPeer', args);
      break;
    }
    case 'cancelled':
      text = t(
        problem.by === 'self' ? 'transfer.problem.cancelledBySelf' : 'transfer.problem.cancelledByPeer',
        {
          name: peerName,
        },
      );
      break;
    case 'mismatch':
      text = t('transfer.problem.mismatch', { count: problem.files });
      break;
    case 'storage':
      text = t('transfer.problem.storage', { message: problem.message });
      break;
    case 'interrupted':
      text = t('transfer.problem.interrupted');
      break;
  }
  const urgent =
    problem.code === 'mismatch' ||
    problem.code === 'storage' ||
    (problem.code === 'declined' && problem.reason !== 'declined');
  return (
    <p className={urgent ? 'error' : 'hint'} role={urgent ? 'alert' : undefined}>
      {text}
    </p>
  );
}
