/**
 * The site's entry: defines <trovato-site>, which index.html places on the page.
 */
import './ui/trovato-site.js';
