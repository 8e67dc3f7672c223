/**
 * The same cache from an fp-ts program: loaders return `TaskEither`, errors stay typed, and the cached functions
 * compose with `pipe` and `flow`. Run it with `npx ts-node examples/task-either.ts`. fp-ts is imported by file
 * (`fp-ts/lib/TaskEither.js`), which works in ES modules and CommonJS alike (see the README).
 */
import * as E from 'fp-ts/lib/Either.js'
import { flow, pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import * as t from 'io-ts'
import { Cache, CacheError, Clock, KeyCodec, invalidateAfter, withCache } from '../lib'

const Product = t.type({ sku: t.string, region: t.string, price: t.number })
type Product = t.TypeOf<typeof Product>

interface NotFound {
  readonly _tag: 'NotFound'
  readonly sku: string
}

// Positional arguments: (sku, region) both make the key. A manual clock makes the ttl visible in a demo.
const clock = Clock.manual()
const products = Cache.unsafeMake({
  name: 'product',
  codec: Product,
  args: KeyCodec.tuple(KeyCodec.string, KeyCodec.string),
  config: { ttl: 30_000, maxSize: 10_000 },
  clock
})

const prices = new Map<string, number>([['tea', 4.5]])
let loads = 0
const fetchProduct = (sku: string, region: string): TE.TaskEither<NotFound, Product> =>
  pipe(
    TE.fromIO(() => (loads++, prices.get(sku))),
    TE.flatMap((price) => (price === undefined ? TE.left<NotFound>({ _tag: 'NotFound', sku }) : TE.right({ sku, region, price })))
  )

// NotFound | CacheError: the function's own error type, widened with the cache's.
const getProduct = withCache(products)(fetchProduct)
const getPrice = flow(
  getProduct,
  TE.map((p) => p.price)
)
const setPrice = invalidateAfter(products)((sku: string, _region: string, price: number) =>
  TE.fromIO(() => void prices.set(sku, price))
)

const show = (e: NotFound | CacheError.CacheError): string =>
  e._tag === 'NotFound' ? `no product ${e.sku}` : CacheError.message(e)

async function main(): Promise<void> {
  console.log(await getPrice('tea', 'eu')()) // loads
  console.log(await getPrice('tea', 'eu')()) // cached
  console.log(pipe(await getPrice('coffee', 'eu')(), E.mapLeft(show))) // not cached: errors never are
  await setPrice('tea', 'eu', 5)()
  console.log(await getPrice('tea', 'eu')()) // loads the new price
  clock.advance(30_000)()
  console.log(await getPrice('tea', 'eu')()) // expired: loads again
  console.log('loads:', loads, 'stats:', await products.stats())
}

main().catch((e: unknown) => {
  console.error(e)
  process.exitCode = 1
})
