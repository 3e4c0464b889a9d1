/** The playground page's entry. */
import './trovato-playground.js';
import './bench-hook.js';
