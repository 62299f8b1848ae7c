import { type CallManager, STATS_HISTORY_LENGTH, type VideoFormat } from '@kopru/client';
import { useTranslation } from 'react-i18next';
import { useCallStats } from '../../hooks/useCall.js';
import { Sparkline } from './Sparkline.js';

interface StatsPanelProps {
  call: CallManager;
  peerId: string;
  name: string;
  onClose: () => void;
}

const kbps = (bps: number | undefined) => (bps === undefined ? undefined : Math.round(bps / 1000));
const format = (v: VideoFormat | undefined) =>
  v ? `${v.width}×${v.height}${v.fps === undefined ? '' : ` @ ${Math.round(v.fps)} fps`}` : undefined;

/** What chrome://webrtc-internals shows, for one peer: path, round trip, rates, loss, codecs, video. */
export function StatsPanel({ call, peerId, name, onClose }: StatsPanelProps) {
  const { t } = useTranslation();
  const history = useCallStats(call, peerId);
  const s = history?.latest;
  const dash = t('call.stats.unknown');
  const value = (v: string | number | undefined, unit = '') => (v === undefined ? dash : `${v}${unit}`);
  const path = s?.path
    ? `${t(`call.stats.${s.path}`)} (${s.localCandidateType ?? '?'} ↔ ${s.remoteCandidateType ?? '?'}, ${s.protocol ?? '?'})`
    : dash;
  const rows: [string, string, keyof NonNullable<typeof history>['series'] | undefined][] = [
    [t('call.stats.path'), path, undefined],
    [t('call.stats.rtt'), value(s?.rttMs, ' ms'), 'rttMs'],
    [t('call.stats.bitrateIn'), value(kbps(s?.bitrateInBps), ' kbps'), 'bitrateInBps'],
    [t('call.stats.bitrateOut'), value(kbps(s?.bitrateOutBps), ' kbps'), 'bitrateOutBps'],
    [
      t('call.stats.loss'),
      value(s?.lossPercent === undefined ? undefined : s.lossPercent.toFixed(1), ' %'),
      'lossPercent',
    ],
    [t('call.stats.codecs'), [s?.audioCodec, s?.videoCodec].filter(Boolean).join(', ') || dash, undefined],
    [t('call.stats.videoIn'), format(s?.videoIn) ?? dash, undefined],
    [t('call.stats.videoOut'), format(s?.videoOut) ?? dash, undefined],
  ];
  return (
    <section className="call-stats" aria-label={t('call.statsFor', { name })}>
      <header className="call-stats-header">
        <h3>{t('call.statsFor', { name })}</h3>
        <button type="button" onClick={onClose}>
          {t('call.hideStats')}
        </button>
      </header>
      <dl>
        {rows.map(([label, text, series]) => (
          <div key={label} className="call-stats-row">
            <dt>{label}</dt>
            <dd>
              <span>{text}</span>
              {series && history && (
                <Sparkline
                  values={history.series[series]}
                  capacity={STATS_HISTORY_LENGTH}
                  label={t('call.stats.chart', { what: label })}
                />
              )}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
