import { AppError } from '../../contracts/errors.ts';

export const badCredentials = () =>
  new AppError('unauthenticated', 'the username or password is wrong, or the account is disabled');
export const userNotFound = (username: string) => new AppError('not_found', `no user named ${username}`);
