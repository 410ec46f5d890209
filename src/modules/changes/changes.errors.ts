import { AppError } from '../../contracts/errors.ts';

export const changeNotFound = (id: string) => new AppError('not_found', `no change ${id}`);
