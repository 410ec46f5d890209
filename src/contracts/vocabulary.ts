// The closed lists a client offers as choices (filters, forms), from the one place they are declared. Plain
// constants with no imports, so the web app can bundle them.
export {
  CHANGE_ORIGINS,
  CHANGE_STATES,
  CHANGE_TYPES,
  LIST_ORDERS,
  OUTCOMES,
  REQUESTED_CHANGE_TYPES,
  RISK_RATINGS,
} from '../domain/vocabulary.ts';
