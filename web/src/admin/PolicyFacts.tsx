// Who made a policy version and when: the facts shown for the active version and any version opened.
import { Link } from '@tanstack/react-router';
import type { PolicyVersionView } from '../../../src/client/api-client.ts';
import { When } from '../changes/ChangeTable.tsx';

export function Facts({ v }: { v: PolicyVersionView }) {
  return (
    <dl className="attributes">
      <div>
        <dt>Name</dt>
        <dd>{v.name}</dd>
      </div>
      <div>
        <dt>Version</dt>
        <dd>{v.version}</dd>
      </div>
      <div>
        <dt>SHA-256</dt>
        <dd className="code">{v.sha256}</dd>
      </div>
      <div>
        <dt>Activated by</dt>
        <dd>
          <ActivatedBy v={v} />
        </dd>
      </div>
      <div>
        <dt>Activated</dt>
        <dd>
          <When at={v.activatedAt} />
        </dd>
      </div>
    </dl>
  );
}

/** Who activated a version, and through which change when it was proposed as one. */
export function ActivatedBy({ v }: { v: Pick<PolicyVersionView, 'activatedBy' | 'changeId'> }) {
  return (
    <span>
      {v.activatedBy}
      {v.changeId && (
        <>
          {' '}
          through{' '}
          <Link to="/changes/$id" params={{ id: v.changeId }}>
            {v.changeId}
          </Link>
        </>
      )}
    </span>
  );
}
