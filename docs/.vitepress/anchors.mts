// VitePress fails the build on a link to a page that does not exist, but not on a link to a heading that does not
// (`concurrency.md#fencing`, after the heading was renamed). This checks those, in the built HTML: every link with
// a `#fragment` to a page of the site must name an `id` on that page. Links to other sites are not followed.
import { readdirSync, readFileSync } from 'node:fs'
import { join, posix, relative, sep } from 'node:path'

interface Page {
  readonly ids: ReadonlySet<string>
  readonly hrefs: ReadonlyArray<string>
}

const htmlFiles = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'assets' ? [] : htmlFiles(path)
    return entry.name.endsWith('.html') ? [path] : []
  })

const all = (html: string, re: RegExp): Array<string> => Array.from(html.matchAll(re), (m) => m[1] as string)

const readPages = (outDir: string): Map<string, Page> =>
  new Map(
    htmlFiles(outDir).map((file) => {
      const html = readFileSync(file, 'utf8')
      const page: Page = { ids: new Set(all(html, /\sid="([^"]+)"/g)), hrefs: all(html, /\shref="([^"]*#[^"]*)"/g) }
      return [relative(outDir, file).split(sep).join('/'), page]
    })
  )

/** The page (a path relative to the output folder) that `path` names, seen from page `from`. */
const target = (path: string, from: string, base: string): string => {
  let p = path === '' ? from : path.startsWith('/') ? path.slice(base.length) : posix.join(posix.dirname(from), path)
  if (p === '' || p.endsWith('/')) p += 'index.html'
  else if (!p.endsWith('.html')) p += '.html'
  return posix.normalize(p)
}

/** Every link to a missing heading of a page of the site, as `page: href`. */
export const deadAnchors = (outDir: string, base: string): Array<string> => {
  const pages = readPages(outDir)
  const dead: Array<string> = []
  for (const [name, page] of pages) {
    for (const href of page.hrefs) {
      if (/^[a-z]+:|^\/\//i.test(href)) continue // another site
      const [path = '', fragment = ''] = href.split('#', 2)
      const linked = pages.get(target(path, name, base))
      if (fragment !== '' && linked !== undefined && !linked.ids.has(decodeURIComponent(fragment))) {
        dead.push(`${name}: ${href}`)
      }
    }
  }
  return dead
}
