from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'review_overdue_digest_subject.txt.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_count = resolve('count')
    pass
    yield 'Review queue: '
    yield escape((undefined(name='count') if l_0_count is missing else l_0_count))
    yield ' overdue review'
    yield escape(('' if ((undefined(name='count') if l_0_count is missing else l_0_count) == '1') else 's'))
    yield '\n'

blocks = {}
debug_info = '1=13'