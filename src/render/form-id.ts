/**
 * The hidden field a rendered `form` carries with its `#form_id`, so the form also works as a
 * plain HTML form posted to its page (no scripts, `trovato serve`): the server reads which
 * form was sent from it. It is never one of the values handed to the plugin.
 */
export const FORM_ID_FIELD = 'trovato_form_id';
