from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'snapshot_email.txt.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_product = resolve('product')
    l_0_month_name = resolve('month_name')
    l_0_partner_name = resolve('partner_name')
    l_0_score = resolve('score')
    l_0_graded = resolve('graded')
    l_0_grade = resolve('grade')
    l_0_score_case = resolve('score_case')
    l_0_month_only = resolve('month_only')
    l_0_tier = resolve('tier')
    l_0_bonus_eligible = resolve('bonus_eligible')
    l_0_network_percentile = resolve('network_percentile')
    l_0_bands = resolve('bands')
    l_0_metrics = resolve('metrics')
    l_0_trend_range = resolve('trend_range')
    l_0_trend = resolve('trend')
    l_0_late_count = resolve('late_count')
    l_0_late_jobs = resolve('late_jobs')
    l_0_late_jobs_more = resolve('late_jobs_more')
    l_0_defective_count = resolve('defective_count')
    l_0_defective_jobs = resolve('defective_jobs')
    l_0_defective_jobs_more = resolve('defective_jobs_more')
    l_0_html_url = resolve('html_url')
    l_0_link_days = resolve('link_days')
    l_0_wording = missing
    try:
        t_1 = environment.filters['upper']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'upper' found.")
    try:
        t_2 = environment.tests['none']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No test named 'none' found.")
    pass
    l_0_wording = context.vars['wording'] = environment.get_template('snapshot_wording.j2', 'snapshot_email.txt.j2')._get_default_module(context)
    context.exported_vars.discard('wording')
    yield str(t_1((undefined(name='product') if l_0_product is missing else l_0_product)))
    yield '\nPartner Performance Snapshot: '
    yield str((undefined(name='month_name') if l_0_month_name is missing else l_0_month_name))
    yield '\n'
    yield str((undefined(name='partner_name') if l_0_partner_name is missing else l_0_partner_name))
    yield '\n\nPARTNER MONTHLY SCORE: '
    yield str((undefined(name='score') if l_0_score is missing else l_0_score))
    if (undefined(name='graded') if l_0_graded is missing else l_0_graded):
        pass
        yield ' / 100'
    yield ' ('
    yield str(context.call(environment.getattr((undefined(name='wording') if l_0_wording is missing else l_0_wording), 'grade_text'), (undefined(name='grade') if l_0_grade is missing else l_0_grade)))
    yield ')\n'
    yield str(context.call(environment.getattr((undefined(name='wording') if l_0_wording is missing else l_0_wording), 'score_note'), (undefined(name='score_case') if l_0_score_case is missing else l_0_score_case), (undefined(name='month_only') if l_0_month_only is missing else l_0_month_only)))
    yield '\n'
    if (undefined(name='tier') if l_0_tier is missing else l_0_tier):
        pass
        yield str(context.call(environment.getattr((undefined(name='wording') if l_0_wording is missing else l_0_wording), 'standing_note'), (undefined(name='tier') if l_0_tier is missing else l_0_tier), (undefined(name='bonus_eligible') if l_0_bonus_eligible is missing else l_0_bonus_eligible), (undefined(name='month_only') if l_0_month_only is missing else l_0_month_only)))
        yield '\n'
    if (not t_2((undefined(name='network_percentile') if l_0_network_percentile is missing else l_0_network_percentile))):
        pass
        yield str(context.call(environment.getattr((undefined(name='wording') if l_0_wording is missing else l_0_wording), 'peer_note'), (undefined(name='network_percentile') if l_0_network_percentile is missing else l_0_network_percentile), (undefined(name='month_only') if l_0_month_only is missing else l_0_month_only)))
        yield '\n'
    yield 'Grades: '
    l_1_loop = missing
    for l_1_band, l_1_loop in LoopContext((undefined(name='bands') if l_0_bands is missing else l_0_bands), undefined):
        _loop_vars = {}
        pass
        yield str(environment.getattr(l_1_band, 'grade'))
        yield ' '
        yield str(environment.getattr(l_1_band, 'range'))
        yield str(('' if environment.getattr(l_1_loop, 'last') else ', '))
    l_1_loop = l_1_band = missing
    yield '\n\n'
    yield str(context.call(environment.getattr((undefined(name='wording') if l_0_wording is missing else l_0_wording), 'score_definition'), (undefined(name='month_only') if l_0_month_only is missing else l_0_month_only)))
    yield '\n\nYOUR '
    yield str(t_1((undefined(name='month_only') if l_0_month_only is missing else l_0_month_only)))
    yield ' IN NUMBERS\n'
    for l_1_metric in (undefined(name='metrics') if l_0_metrics is missing else l_0_metrics):
        _loop_vars = {}
        pass
        yield '\n- '
        yield str(context.call(environment.getattr((undefined(name='wording') if l_0_wording is missing else l_0_wording), 'metric_label'), environment.getattr(l_1_metric, 'name'), _loop_vars=_loop_vars))
        yield ': '
        yield str(environment.getattr(l_1_metric, 'value'))
        if environment.getattr(l_1_metric, 'absent'):
            pass
            yield ' ('
            yield str(context.call(environment.getattr((undefined(name='wording') if l_0_wording is missing else l_0_wording), 'metric_note'), environment.getattr(l_1_metric, 'name'), _loop_vars=_loop_vars))
            yield ')'
        yield '\n  '
        yield str(context.call(environment.getattr((undefined(name='wording') if l_0_wording is missing else l_0_wording), 'metric_definition'), environment.getattr(l_1_metric, 'name'), (undefined(name='month_only') if l_0_month_only is missing else l_0_month_only), _loop_vars=_loop_vars))
        yield '\n'
    l_1_metric = missing
    yield '\nMONTHLY SCORE, LAST 12 MONTHS ('
    yield str((undefined(name='trend_range') if l_0_trend_range is missing else l_0_trend_range))
    yield ')\n'
    for l_1_bar in (undefined(name='trend') if l_0_trend is missing else l_0_trend):
        _loop_vars = {}
        pass
        yield '- '
        yield str(environment.getattr(l_1_bar, 'month'))
        yield ': '
        yield str(context.call(environment.getattr((undefined(name='wording') if l_0_wording is missing else l_0_wording), 'trend_text'), l_1_bar, _loop_vars=_loop_vars))
        if environment.getattr(l_1_bar, 'current'):
            pass
            yield '  <- this month'
        yield '\n'
    l_1_bar = missing
    yield '\nLATE JOBS ('
    yield str((undefined(name='late_count') if l_0_late_count is missing else l_0_late_count))
    yield ')\n'
    t_3 = 1
    for l_1_job in (undefined(name='late_jobs') if l_0_late_jobs is missing else l_0_late_jobs):
        _loop_vars = {}
        pass
        yield '- '
        yield str(environment.getattr(l_1_job, 'job_id'))
        yield ': due '
        yield str(environment.getattr(l_1_job, 'due'))
        yield ', shipped '
        yield str(environment.getattr(l_1_job, 'shipped'))
        yield ', '
        yield str(environment.getattr(l_1_job, 'days_late'))
        yield ' days late\n'
        t_3 = 0
    l_1_job = missing
    if t_3:
        pass
        yield 'No late jobs in '
        yield str((undefined(name='month_only') if l_0_month_only is missing else l_0_month_only))
        yield '.\n'
    if (undefined(name='late_jobs_more') if l_0_late_jobs_more is missing else l_0_late_jobs_more):
        pass
        yield '...and '
        yield str((undefined(name='late_jobs_more') if l_0_late_jobs_more is missing else l_0_late_jobs_more))
        yield ' more in the online snapshot.\n'
    yield '\nJOBS WITH DEFECTS ('
    yield str((undefined(name='defective_count') if l_0_defective_count is missing else l_0_defective_count))
    yield ')\n'
    t_4 = 1
    for l_1_job in (undefined(name='defective_jobs') if l_0_defective_jobs is missing else l_0_defective_jobs):
        _loop_vars = {}
        pass
        yield '- '
        yield str(environment.getattr(l_1_job, 'job_id'))
        yield ': shipped '
        yield str(environment.getattr(l_1_job, 'shipped'))
        yield ', '
        yield str(environment.getattr(l_1_job, 'defective'))
        yield ' defective of '
        yield str(environment.getattr(l_1_job, 'inspected'))
        yield ' inspected\n'
        t_4 = 0
    l_1_job = missing
    if t_4:
        pass
        yield 'No defective parts found in '
        yield str((undefined(name='month_only') if l_0_month_only is missing else l_0_month_only))
        yield '.\n'
    if (undefined(name='defective_jobs_more') if l_0_defective_jobs_more is missing else l_0_defective_jobs_more):
        pass
        yield '...and '
        yield str((undefined(name='defective_jobs_more') if l_0_defective_jobs_more is missing else l_0_defective_jobs_more))
        yield ' more in the online snapshot.\n'
    if (undefined(name='html_url') if l_0_html_url is missing else l_0_html_url):
        pass
        yield '\nView this snapshot online (the link is valid for '
        yield str((undefined(name='link_days') if l_0_link_days is missing else l_0_link_days))
        yield ' days):\n'
        yield str((undefined(name='html_url') if l_0_html_url is missing else l_0_html_url))
        yield '\n'
    yield '\n--\nThis snapshot reflects '
    yield str((undefined(name='month_name') if l_0_month_name is missing else l_0_month_name))
    yield ' only and does not include previous months. Questions about\nyour metrics or your score? Your Partner Success Manager can walk you through the details of your jobs.\n'

blocks = {}
debug_info = '2=47&3=49&4=51&5=53&7=55&8=62&9=64&10=68&11=74&14=83&16=85&17=87&19=91&21=100&24=104&25=106&26=110&30=119&31=122&32=126&34=139&36=141&37=144&40=147&41=150&42=154&44=167&46=169&47=172&49=174&51=177&52=179&56=182'