import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorMessage, errorNameAndMessage } from '../../main/error-message.ts';
import { errorMessage as rendererErrorMessage } from '../../renderer/lib/format.ts';

test('errorMessage: an Error (or a subclass) gives its message, without the name', () => {
  assert.equal(errorMessage(new Error('the disk is full')), 'the disk is full');
  assert.equal(errorMessage(new TypeError('not a function')), 'not a function');
  class CatalogueError extends Error {
    override name = 'CatalogueError';
  }
  assert.equal(errorMessage(new CatalogueError('unknown dataset 7')), 'unknown dataset 7');
});

test('errorMessage: a thrown non-Error becomes its text, never "undefined" for a string', () => {
  assert.equal(errorMessage('plain string'), 'plain string');
  assert.equal(errorMessage(42), '42');
  assert.equal(errorMessage(undefined), 'undefined');
  assert.equal(errorMessage(null), 'null');
  // An object that only looks like an Error is not trusted for a message.
  assert.equal(errorMessage({ message: 'looks like one' }), '[object Object]');
});

test('errorNameAndMessage: an Error keeps its name; anything else is an Error named by its text', () => {
  class CatalogueError extends Error {
    override name = 'CatalogueError';
  }
  assert.deepEqual(errorNameAndMessage(new CatalogueError('unknown dataset 7')), { name: 'CatalogueError', message: 'unknown dataset 7' });
  assert.deepEqual(errorNameAndMessage(new RangeError('too big')), { name: 'RangeError', message: 'too big' });
  assert.deepEqual(errorNameAndMessage('plain string'), { name: 'Error', message: 'plain string' });
  assert.deepEqual(errorNameAndMessage(undefined), { name: 'Error', message: 'undefined' });
});

test('the renderer uses the same helper', () => {
  assert.equal(rendererErrorMessage, errorMessage);
});
