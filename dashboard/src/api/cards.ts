import { queryOptions } from '@tanstack/react-query';
import type { CardStatus } from '@acs/shared/access/model';
import { byId, type Dto, http } from './client';

export type CardRequestInput = Dto<'CreateCardDto'>;
/** The printed-number formats the server reads (the card number entry offers them). */
export type CardNumberFormat = NonNullable<CardRequestInput['format']>;

export const cardKeys = { all: ['cards'] as const, history: (id: string) => ['cards', id, 'history'] as const };

export const cardQueries = {
  list: queryOptions({ queryKey: cardKeys.all, queryFn: ({ signal }) => http.get('/api/cards', { signal }) }),
  history: (id: string) =>
    queryOptions({ queryKey: cardKeys.history(id), queryFn: ({ signal }) => http.get('/api/cards/{id}/history', { ...byId(id), signal }) }),
};

export const cardsApi = {
  request: (body: CardRequestInput) => http.post('/api/cards', { body }),
  transition: (id: string, to: CardStatus, note?: string) =>
    http.post('/api/cards/{id}/transition', { ...byId(id), body: { to, ...(note ? { note } : {}) } }),
  replace: (id: string, body: Dto<'ReplaceCardDto'>) => http.post('/api/cards/{id}/replacement', { ...byId(id), body }),
  update: (id: string, body: Dto<'UpdateCardDto'>) => http.patch('/api/cards/{id}', { ...byId(id), body }),
};
