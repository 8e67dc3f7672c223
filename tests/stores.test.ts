import * as MemoryStore from '../lib/MemoryStore'
import { jsonStore } from './util/jsonStore'
import { describeStoreContract } from './util/storeContract'

describeStoreContract({ name: 'MemoryStore', factory: () => MemoryStore.make, latent: false })
describeStoreContract({ name: 'JSON store, in order', factory: () => jsonStore(), latent: false })
describeStoreContract({
  name: 'JSON store with latency and reordering',
  factory: (latency) => jsonStore(latency === undefined ? {} : { latency }),
  latent: true
})
