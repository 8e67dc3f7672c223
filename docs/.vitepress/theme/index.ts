// The default VitePress theme, with a wider text column (style.css).
import DefaultTheme from 'vitepress/theme'
import './style.css'

export default DefaultTheme
