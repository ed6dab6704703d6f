/** The people and customers of the test call center: two sites, one supervisor over both. */
import type { CreateContactRequest } from '@callgate/contracts';
import type { SiteSpec } from './call-center.js';

export const MOSCOW: SiteSpec = {
  id: 'moscow',
  name: 'Moscow',
  timeZone: 'Europe/Moscow',
  hold: 'phone-notify',
  operators: [
    { id: 'anna', name: 'Anna Ivanova', extension: '1001', queues: ['support'] },
    { id: 'boris', name: 'Boris Petrov', extension: '1002', queues: ['support'] },
    { id: 'vera', name: 'Vera Sidorova', extension: '1003', queues: ['sales'] },
  ],
};

export const TALLINN: SiteSpec = {
  id: 'tallinn',
  name: 'Tallinn',
  timeZone: 'Europe/Tallinn',
  operators: [
    { id: 'kati', name: 'Kati Tamm', extension: '1001', queues: ['support'] },
    { id: 'mart', name: 'Mart Kask', extension: '1002', queues: ['support'] },
  ],
};

export const SUPERVISORS = [{ id: 'sue', name: 'Svetlana Orlova' }];

/** pbx-sim's trunk: 79990000001 answers after 2 s, …02 is busy, …03 never answers. */
export const CONTACTS: CreateContactRequest[] = [
  {
    name: 'Maria Kuznetsova',
    company: 'Acme Logistics',
    notes: 'Prefers calls in the morning. Contract renewal in December.',
    phones: [{ number: '+79990000001', label: 'mobile' }],
  },
  { name: 'Busy Bee', company: 'Hive Ltd', phones: [{ number: '+79990000002', label: 'office' }] },
  { name: 'Nobody Home', company: 'Empty Office', phones: [{ number: '+79990000003', label: 'office' }] },
];
