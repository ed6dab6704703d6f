/**
 * The demo's world, as data: two sites (Moscow and Tallinn) with six operators each, one
 * supervisor, and the customers who call. Pure: the demo runner turns it into hub accounts,
 * pbx-sim sites and gateway configuration files.
 */
export interface DemoOperator {
  id: string;
  name: string;
  extension: string;
  /** The operator a person logs in as: their phone waits for "answer" in the softphone strip. */
  human: boolean;
}

export interface DemoSite {
  id: string;
  name: string;
  timeZone: string;
  country: string;
  /** The DID customers call, as Asterisk sees it in the inbound channel's Exten. */
  line: { number: string; label: string };
  queue: { name: string; label: string };
  operators: DemoOperator[];
  /** Mean seconds between two customer calls at this site. */
  meanSecondsBetweenCalls: number;
}

export interface DemoContact {
  name: string;
  company: string;
  phone: string;
  notes: string;
  /** The site whose line this customer calls. */
  site: string;
}

export const DEMO_PASSWORD = 'callgate-demo';
export const DEMO_SUPERVISOR = { id: 'supervisor', name: 'Svetlana Orlova' };

const op = (id: string, name: string, extension: string, human = false): DemoOperator => ({
  id,
  name,
  extension,
  human,
});

export const DEMO_SITES: readonly DemoSite[] = [
  {
    id: 'moscow',
    name: 'Moscow',
    timeZone: 'Europe/Moscow',
    country: 'RU',
    line: { number: '74950000000', label: 'Customer service' },
    queue: { name: 'support', label: 'Customer service' },
    operators: [
      op('anna', 'Anna Ivanova', '1001', true),
      op('boris', 'Boris Petrov', '1002'),
      op('vera', 'Vera Sidorova', '1003'),
      op('grigory', 'Grigory Volkov', '1004'),
      op('daria', 'Daria Kuznetsova', '1005'),
      op('egor', 'Egor Smirnov', '1006'),
    ],
    meanSecondsBetweenCalls: 9,
  },
  {
    id: 'tallinn',
    name: 'Tallinn',
    timeZone: 'Europe/Tallinn',
    country: 'EE',
    line: { number: '3726000000', label: 'Klienditugi' },
    queue: { name: 'support', label: 'Klienditugi' },
    operators: [
      op('mart', 'Mart Tamm', '2001', true),
      op('kadri', 'Kadri Saar', '2002'),
      op('jaan', 'Jaan Kask', '2003'),
      op('liis', 'Liis Mets', '2004'),
      op('tonu', 'Tõnu Rebane', '2005'),
      op('piret', 'Piret Lepp', '2006'),
    ],
    meanSecondsBetweenCalls: 12,
  },
];

export const DEMO_CONTACTS: readonly DemoContact[] = [
  {
    name: 'Иван Петров',
    company: 'ООО «Северный ветер»',
    phone: '+79161234567',
    notes: 'Prefers mornings; invoice #4411 open.',
    site: 'moscow',
  },
  {
    name: 'Мария Соколова',
    company: 'АО «Стройинвест»',
    phone: '+79162345678',
    notes: 'Renewal due next month.',
    site: 'moscow',
  },
  {
    name: 'Алексей Морозов',
    company: 'ИП Морозов',
    phone: '+79163456789',
    notes: 'Asked about the new tariff.',
    site: 'moscow',
  },
  {
    name: 'Ольга Новикова',
    company: 'ООО «Лента Плюс»',
    phone: '+79164567890',
    notes: 'VIP: escalate to the supervisor.',
    site: 'moscow',
  },
  {
    name: 'Дмитрий Козлов',
    company: 'ГК «Меридиан»',
    phone: '+79165678901',
    notes: 'Delivery complaint last week.',
    site: 'moscow',
  },
  { name: 'Елена Лебедева', company: 'ООО «Арт-Дизайн»', phone: '+79166789012', notes: '', site: 'moscow' },
  {
    name: 'Сергей Попов',
    company: 'ООО «ТехноСервис»',
    phone: '+79167890123',
    notes: 'Wants a callback from Boris.',
    site: 'moscow',
  },
  {
    name: 'Наталья Федорова',
    company: 'АО «Глобус»',
    phone: '+79168901234',
    notes: 'Contract signed 2026-10-02.',
    site: 'moscow',
  },
  {
    name: 'Kalle Kask',
    company: 'Kask & Partnerid OÜ',
    phone: '+37251234567',
    notes: 'Speaks Estonian and English.',
    site: 'tallinn',
  },
  {
    name: 'Maarja Mägi',
    company: 'Mägi Ehitus AS',
    phone: '+37252345678',
    notes: 'Invoice question pending.',
    site: 'tallinn',
  },
  {
    name: 'Andres Ilves',
    company: 'Ilves Logistics OÜ',
    phone: '+37253456789',
    notes: 'Key account.',
    site: 'tallinn',
  },
  { name: 'Kristiina Kuusk', company: 'Kuusk Design', phone: '+37254567890', notes: '', site: 'tallinn' },
  {
    name: 'Peeter Pärn',
    company: 'Pärn Agro AS',
    phone: '+37255678901',
    notes: 'Call only after 10:00.',
    site: 'tallinn',
  },
  { name: 'Triin Kivi', company: 'Kivi Retail OÜ', phone: '+37256789012', notes: 'Asked for a demo.', site: 'tallinn' },
];

/** The endpoint of a demo operator's phone on the simulated Asterisk. */
export const endpointOf = (o: DemoOperator): string => `PJSIP/${o.extension}`;
