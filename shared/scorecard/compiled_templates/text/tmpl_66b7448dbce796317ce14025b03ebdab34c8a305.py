from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'demotion_warning_email.txt.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_partner_name = resolve('partner_name')
    l_0_as_of = resolve('as_of')
    l_0_score = resolve('score')
    l_0_tier = resolve('tier')
    l_0_runs_required = resolve('runs_required')
    l_0_pending_tier = resolve('pending_tier')
    l_0_product = resolve('product')
    pass
    yield 'Hello '
    yield str((undefined(name='partner_name') if l_0_partner_name is missing else l_0_partner_name))
    yield ',\n\nYour Partner Success Score as of '
    yield str((undefined(name='as_of') if l_0_as_of is missing else l_0_as_of))
    yield ' is '
    yield str(((undefined(name='score') if l_0_score is missing else l_0_score) or 'not available'))
    yield ', below what the '
    yield str((undefined(name='tier') if l_0_tier is missing else l_0_tier))
    yield ' tier needs.\n\nIf it stays below for '
    yield str((undefined(name='runs_required') if l_0_runs_required is missing else l_0_runs_required))
    yield ' consecutive daily scores, your tier will change from '
    yield str((undefined(name='tier') if l_0_tier is missing else l_0_tier))
    yield ' to '
    yield str((undefined(name='pending_tier') if l_0_pending_tier is missing else l_0_pending_tier))
    yield '. One good day stops the countdown.\n\nWhat helps most: ship every part by its due date, keep defects out, post status updates as you receive materials, start production and start inspection, and answer update requests within 24 hours. Your score page lists the jobs that cost you points.\n\n--\n'
    yield str((undefined(name='product') if l_0_product is missing else l_0_product))
    yield '\n'

blocks = {}
debug_info = '1=19&3=21&5=27&10=33'