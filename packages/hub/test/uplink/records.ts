/** Valid call records for these tests: the shared sample builder of contracts. */
export { sampleCallRecord as callRecord } from '@callgate/contracts';
