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
  ROLES,
  SCOPES,
} from '../domain/vocabulary.ts';
/** Which roles grant what: the web app offers only what a user's roles allow (the API still decides). */
export { PERMISSIONS, roleAllows } from '../domain/permissions.ts';
