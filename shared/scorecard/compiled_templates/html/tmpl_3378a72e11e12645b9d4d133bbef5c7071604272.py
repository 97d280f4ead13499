from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'review_overdue_digest.html.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_subject = resolve('subject')
    l_0_count = resolve('count')
    l_0_due_business_days = resolve('due_business_days')
    l_0_reviews = resolve('reviews')
    l_0_product = resolve('product')
    pass
    yield '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>'
    yield escape((undefined(name='subject') if l_0_subject is missing else l_0_subject))
    yield '</title></head>\n<body style="margin:0;padding:16px;font-family:Arial,sans-serif;color:#1f2937;">\n<p>'
    yield escape((undefined(name='count') if l_0_count is missing else l_0_count))
    yield ' open review'
    yield escape(('' if ((undefined(name='count') if l_0_count is missing else l_0_count) == '1') else 's'))
    yield ' waited more than '
    yield escape((undefined(name='due_business_days') if l_0_due_business_days is missing else l_0_due_business_days))
    yield ' business days:</p>\n<table cellpadding="6" cellspacing="0" border="1" style="border-collapse:collapse;border-color:#dde3ea;">\n<tr><th>Review</th><th>Partner</th><th>Status</th><th>Requested</th><th>Business days</th></tr>\n'
    for l_1_row in (undefined(name='reviews') if l_0_reviews is missing else l_0_reviews):
        _loop_vars = {}
        pass
        yield '<tr><td>'
        yield escape(environment.getattr(l_1_row, 'review_id'))
        yield '</td><td>'
        yield escape(environment.getattr(l_1_row, 'partner_id'))
        yield '</td><td>'
        yield escape(environment.getattr(l_1_row, 'status'))
        yield '</td><td>'
        yield escape(environment.getattr(l_1_row, 'requested_on'))
        yield '</td><td>'
        yield escape(environment.getattr(l_1_row, 'business_days'))
        yield '</td></tr>\n'
    l_1_row = missing
    yield '</table>\n<p style="color:#5b6776;font-size:13px;">'
    yield escape((undefined(name='product') if l_0_product is missing else l_0_product))
    yield '</p>\n</body>\n</html>\n'

blocks = {}
debug_info = '3=17&5=19&8=25&9=29&12=41'