// One policy version: its facts and source, and what the active version changed from it, line by line.
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { PolicyVersionView } from '../../../src/client/api-client.ts';
import { api } from '../api.ts';
import { Failure } from './AdminNav.tsx';
import { lineDiff } from './diff.ts';
import { Facts } from './PolicyFacts.tsx';

const MARK = { same: ' ', added: '+', removed: '-' } as const;

export function PolicyVersion(props: { version: number; active: PolicyVersionView; onClose: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const v = useQuery({
    queryKey: ['policy', 'version', props.version],
    queryFn: () => api.policy.version(props.version),
  });
  const isActive = props.version === props.active.version;
  const diff = v.data && !isActive ? lineDiff(v.data.source, props.active.source) : null;
  return (
    <section aria-labelledby="version-h">
      <h2 id="version-h" ref={heading} tabIndex={-1}>
        Version {props.version}
      </h2>
      <button type="button" className="link" onClick={props.onClose}>
        Close version {props.version}
      </button>
      {v.isError && <Failure error={v.error} />}
      {v.data && <Facts v={v.data} />}
      {v.data && isActive && <p className="note">This is the active version.</p>}
      {v.data && !isActive && (
        <>
          <h3>
            From version {props.version} to the active version {props.active.version}
          </h3>
          <p className="note">
            Lines starting with - are only in version {props.version}; with +, only in the active one.
          </p>
          {diff === null && <p className="note">The files are too large to compare here.</p>}
          {diff && diff.every((d) => d.kind === 'same') && (
            <p className="note">The two texts are the same.</p>
          )}
          {diff && diff.some((d) => d.kind !== 'same') && (
            <pre className="source diff" tabIndex={0}>
              {diff.map((d, i) => (
                <span key={i} className={`diff-${d.kind}`}>
                  {MARK[d.kind]} {d.text}
                  {'\n'}
                </span>
              ))}
            </pre>
          )}
        </>
      )}
      {v.data && (
        <details>
          <summary>Source of version {props.version}</summary>
          <pre className="source" tabIndex={0}>
            {v.data.source}
          </pre>
        </details>
      )}
    </section>
  );
}
