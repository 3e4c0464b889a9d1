/**
 * The `/embed/` page's entry: defines <trovato-embed>, which embed/index.html places on the page.
 */
import './trovato-embed.js';
