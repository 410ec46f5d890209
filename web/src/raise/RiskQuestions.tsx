// The policy's risk questions, each a yes/no pair of radio buttons; unanswered counts as no for the rules.
import type { PolicyForRaising } from '../../../src/client/api-client.ts';
import { FieldError, RequiredMark, ariaOf } from './Field.tsx';

interface Props {
  questions: PolicyForRaising['questions'];
  answers: Record<string, boolean>;
  onAnswer: (id: string, yes: boolean) => void;
  required: boolean;
  error: string | undefined;
}

export function RiskQuestions({ questions, answers, onAnswer, required, error }: Props) {
  if (questions.length === 0) return null;
  const aria = ariaOf('answers', false, error);
  return (
    <fieldset className="group" aria-describedby={aria['aria-describedby']}>
      <legend>
        Risk questions
        <RequiredMark required={required} />
      </legend>
      <p className="note">Unanswered counts as no.</p>
      {questions.map((q, i) => (
        <fieldset key={q.id} className="question">
          <legend>{q.text}</legend>
          {[true, false].map((yes) => (
            <label key={String(yes)} className="check">
              <input
                type="radio"
                name={`q-${q.id}`}
                id={i === 0 && yes ? aria.id : undefined}
                checked={answers[q.id] === yes}
                onChange={() => onAnswer(q.id, yes)}
              />{' '}
              {yes ? 'Yes' : 'No'}
            </label>
          ))}
        </fieldset>
      ))}
      <FieldError field="answers" error={error} />
    </fieldset>
  );
}
