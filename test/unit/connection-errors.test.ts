import { GraphQLError } from 'graphql';
import { QueryFailedError } from 'typeorm';
import { isConnectionError } from '../../src/database/connection-errors';

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('isConnectionError', () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['no file descriptor left for the connection (EMFILE)', Object.assign(new Error('connect EMFILE 127.0.0.1:5432 - Local (undefined:undefined)'), { code: 'EMFILE', syscall: 'connect' })],
    ['no file descriptor left on the system (ENFILE)', Object.assign(new Error('connect ENFILE 127.0.0.1:5432'), { code: 'ENFILE' })],
    ['no local port left (EADDRNOTAVAIL)', Object.assign(new Error('connect EADDRNOTAVAIL 127.0.0.1:5432'), { code: 'EADDRNOTAVAIL' })],
    ['no buffer space (ENOBUFS)', Object.assign(new Error('write ENOBUFS'), { code: 'ENOBUFS' })],
    ['EMFILE wrapped by TypeORM', new QueryFailedError('SELECT 1', [], Object.assign(new Error('connect EMFILE 127.0.0.1:5432'), { code: 'EMFILE' }))],
    ['a connection dropped mid-query', new Error('Connection terminated unexpectedly')],
    ['no pooled connection in time', new Error('timeout exceeded when trying to connect')],
    ['pg_terminate_backend / a stopping server (57P01)', pgError('57P01', 'terminating connection due to administrator command')],
    ['a server starting up (57P03)', pgError('57P03', 'the database system is starting up')],
    ['a connection exception (08006)', pgError('08006', 'connection failure')],
    ['one wrapped by TypeORM', new QueryFailedError('SELECT 1', [], pgError('57P01', 'terminating connection due to administrator command'))],
    ['one wrapped by GraphQL', new GraphQLError('Connection terminated', { originalError: new Error('Connection terminated unexpectedly') })],
  ])('%s is one', (_what, err) => {
    expect(isConnectionError(err)).toBe(true);
  });

  it.each([
    ['a unique violation', pgError('23505', 'duplicate key value violates unique constraint')],
    ['a statement timeout', pgError('57014', 'canceling statement due to statement timeout')],
    ['a bug', new TypeError('Cannot read properties of undefined')],
    ['nothing', undefined],
  ])('%s is not', (_what, err) => {
    expect(isConnectionError(err)).toBe(false);
  });
});
