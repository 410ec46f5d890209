// Reading a submitted form: the text of a named field, '' when absent (a file input never is one here).
export function field(form: FormData, name: string, fallback = ''): string {
  const v = form.get(name);
  return typeof v === 'string' ? v : fallback;
}
