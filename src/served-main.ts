/**
 * The served site's script (`trovato serve` sends it as /assets/site.js): defines
 * <trovato-served-site>, which the server's pages wrap around their header and main column.
 */
import './ui/trovato-served-site.js';
