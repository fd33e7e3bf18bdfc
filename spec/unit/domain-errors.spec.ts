import { expect } from 'chai';
import { AlreadyTaken, DomainError, NotFound } from '../../src/domain/errors';

describe('DomainError (what the services throw)', () => {
  it('keeps each problem for the client and joins them into one message for the log', () => {
    const error = new AlreadyTaken(['email has already been taken', 'username has already been taken']);
    expect(error.messages).to.deep.equal(['email has already been taken', 'username has already been taken']);
    expect(error.message).to.equal('email has already been taken; username has already been taken');
    expect(error.name).to.equal('AlreadyTaken');
    expect(error).to.be.instanceOf(DomainError).and.instanceOf(Error);
  });

  it('takes a single problem as it is', () => {
    const error = new NotFound('article not found');
    expect(error.messages).to.deep.equal(['article not found']);
    expect(error.message).to.equal('article not found');
  });
});
