// The services a change touches, picked from the catalogue: a filter and a checkbox per service still in
// service (native checkboxes: Tab and Space work), with what the rules read of each beside its name.
import { useState } from 'react';
import type { ServiceView } from '../../../src/client/api-client.ts';
import { FieldError, RequiredMark, ariaOf } from './Field.tsx';

interface Props {
  services: readonly ServiceView[];
  chosen: readonly string[];
  onChange: (chosen: string[]) => void;
  required: boolean;
  error: string | undefined;
}

const traits = (s: ServiceView) =>
  [s.environment, s.internetFacing && 'internet-facing', ...s.dataClasses.map((d) => `${d} data`)]
    .filter(Boolean)
    .join(', ');

export function ServicePicker({ services, chosen, onChange, required, error }: Props) {
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toLowerCase();
  const inService = services.filter((s) => s.retiredAt === null);
  // Chosen services stay listed whatever the filter, so they can always be unticked.
  const shown = inService.filter((s) => chosen.includes(s.name) || s.name.toLowerCase().includes(needle));
  const toggle = (name: string, on: boolean) =>
    onChange(on ? [...chosen, name] : chosen.filter((n) => n !== name));
  const aria = ariaOf('services', required, error);
  return (
    <fieldset className="group" aria-describedby={aria['aria-describedby']}>
      <legend>
        Services
        <RequiredMark required={required} />
      </legend>
      <label htmlFor={aria.id}>Filter the catalogue</label>
      <input
        {...aria}
        aria-required={undefined}
        type="search"
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
      />
      {shown.length === 0 && <p className="note">No service matches.</p>}
      <ul className="checks">
        {shown.map((s) => (
          <li key={s.name}>
            <label className="check">
              <input
                type="checkbox"
                checked={chosen.includes(s.name)}
                onChange={(e) => toggle(s.name, e.target.checked)}
              />{' '}
              {s.name} <span className="note">({traits(s)})</span>
            </label>
          </li>
        ))}
      </ul>
      <p className="note" aria-live="polite">
        {chosen.length === 0 ? 'No service chosen.' : `Chosen: ${chosen.join(', ')}`}
      </p>
      <FieldError field="services" error={error} />
    </fieldset>
  );
}
