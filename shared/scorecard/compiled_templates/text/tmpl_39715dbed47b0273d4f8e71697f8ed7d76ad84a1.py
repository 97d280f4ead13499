from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'review_overdue_digest.txt.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_count = resolve('count')
    l_0_due_business_days = resolve('due_business_days')
    l_0_reviews = resolve('reviews')
    l_0_product = resolve('product')
    pass
    yield str((undefined(name='count') if l_0_count is missing else l_0_count))
    yield ' open review'
    yield str(('' if ((undefined(name='count') if l_0_count is missing else l_0_count) == '1') else 's'))
    yield ' waited more than '
    yield str((undefined(name='due_business_days') if l_0_due_business_days is missing else l_0_due_business_days))
    yield ' business days:\n\n'
    for l_1_row in (undefined(name='reviews') if l_0_reviews is missing else l_0_reviews):
        _loop_vars = {}
        pass
        yield '- '
        yield str(environment.getattr(l_1_row, 'review_id'))
        yield ' ('
        yield str(environment.getattr(l_1_row, 'partner_id'))
        yield '), '
        yield str(environment.getattr(l_1_row, 'status'))
        yield ', requested '
        yield str(environment.getattr(l_1_row, 'requested_on'))
        yield ', '
        yield str(environment.getattr(l_1_row, 'business_days'))
        yield ' business days\n'
    l_1_row = missing
    yield '\n--\n'
    yield str((undefined(name='product') if l_0_product is missing else l_0_product))
    yield '\n'

blocks = {}
debug_info = '1=15&3=21&4=25&8=37'