from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'snapshot_email.html.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_subject = resolve('subject')
    l_0_archive = resolve('archive')
    l_0_month_name = resolve('month_name')
    l_0_graded = resolve('graded')
    l_0_score = resolve('score')
    l_0_grade = resolve('grade')
    l_0_late_count = resolve('late_count')
    l_0_defective_count = resolve('defective_count')
    l_0_product = resolve('product')
    l_0_partner_name = resolve('partner_name')
    l_0_grade_color = resolve('grade_color')
    l_0_score_case = resolve('score_case')
    l_0_month_only = resolve('month_only')
    l_0_tier = resolve('tier')
    l_0_bonus_eligible = resolve('bonus_eligible')
    l_0_network_percentile = resolve('network_percentile')
    l_0_bands = resolve('bands')
    l_0_metrics = resolve('metrics')
    l_0_trend_range = resolve('trend_range')
    l_0_trend = resolve('trend')
    l_0_late_jobs = resolve('late_jobs')
    l_0_late_jobs_more = resolve('late_jobs_more')
    l_0_defective_jobs = resolve('defective_jobs')
    l_0_defective_jobs_more = resolve('defective_jobs_more')
    l_0_html_url = resolve('html_url')
    l_0_link_days = resolve('link_days')
    l_0_wording = l_0_font = l_0_muted = l_0_ink = l_0_rule = missing
    try:
        t_1 = environment.tests['none']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No test named 'none' found.")
    pass
    l_0_wording = context.vars['wording'] = environment.get_template('snapshot_wording.j2', 'snapshot_email.html.j2')._get_default_module(context)
    context.exported_vars.discard('wording')
    l_0_font = 'font-family:-apple-system,BlinkMacSystemFont,Segoe UI,Roboto,Helvetica Neue,Arial,sans-serif;'
    context.vars['font'] = l_0_font
    context.exported_vars.add('font')
    l_0_muted = '#5b6776'
    context.vars['muted'] = l_0_muted
    context.exported_vars.add('muted')
    l_0_ink = '#1f2937'
    context.vars['ink'] = l_0_ink
    context.exported_vars.add('ink')
    l_0_rule = '#e3e8ef'
    context.vars['rule'] = l_0_rule
    context.exported_vars.add('rule')
    yield '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<meta name="x-apple-disable-message-reformatting">\n<meta name="color-scheme" content="light">\n<meta name="supported-color-schemes" content="light">\n<title>'
    yield str((undefined(name='subject') if l_0_subject is missing else l_0_subject))
    yield '</title>\n</head>\n<body style="margin:0;padding:0;background-color:#eef1f5;-webkit-text-size-adjust:100%;-ms-text-size-adjust:100%;">\n'
    if (not (undefined(name='archive') if l_0_archive is missing else l_0_archive)):
        pass
        yield '<div style="display:none;max-height:0;max-width:0;overflow:hidden;opacity:0;mso-hide:all;">'
        yield str(context.call(environment.getattr((undefined(name='wording') if l_0_wording is missing else l_0_wording), 'preheader'), (undefined(name='month_name') if l_0_month_name is missing else l_0_month_name), (undefined(name='graded') if l_0_graded is missing else l_0_graded), (undefined(name='score') if l_0_score is missing else l_0_score), (undefined(name='grade') if l_0_grade is missing else l_0_grade), (undefined(name='late_count') if l_0_late_count is missing else l_0_late_count), (undefined(name='defective_count') if l_0_defective_count is missing else l_0_defective_count)))
        yield '</div>\n'
    yield '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#eef1f5;border-collapse:collapse;">\n<tr>\n<td align="center" style="padding:24px 12px;">\n<!--[if mso]><table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->\n<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:600px;background-color:#ffffff;border:1px solid #dde3ea;border-radius:10px;border-collapse:separate;'
    yield str((undefined(name='font') if l_0_font is missing else l_0_font))
    yield 'color:'
    yield str((undefined(name='ink') if l_0_ink is missing else l_0_ink))
    yield ';">\n\n<tr>\n<td style="background-color:#0f2942;border-radius:10px 10px 0 0;padding:22px 24px 20px;">\n  <div style="'
    yield str((undefined(name='font') if l_0_font is missing else l_0_font))
    yield 'font-size:12px;line-height:16px;letter-spacing:1.5px;text-transform:uppercase;color:#9fb6cc;">'
    yield str((undefined(name='product') if l_0_product is missing else l_0_product))
    yield '</div>\n  <div style="'
    yield str((undefined(name='font') if l_0_font is missing else l_0_font))
    yield 'font-size:22px;line-height:28px;font-weight:700;color:#ffffff;padding-top:6px;">Partner Performance Snapshot</div>\n  <div style="'
    yield str((undefined(name='font') if l_0_font is missing else l_0_font))
    yield 'font-size:15px;line-height:22px;color:#d6e2ee;padding-top:2px;">'
    yield str((undefined(name='month_name') if l_0_month_name is missing else l_0_month_name))
    yield ' &middot; '
    yield str((undefined(name='partner_name') if l_0_partner_name is missing else l_0_partner_name))
    yield '</div>\n</td>\n</tr>\n\n<tr>\n<td style="padding:24px 24px 6px;">\n  <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">\n  <tr>\n    <td width="84" valign="top" style="width:84px;padding-right:16px;">\n      <table role="presentation" cellpadding="0" cellspacing="0" border="0">\n      <tr>\n        <td align="center" valign="middle" width="76" height="76" style="width:76px;height:76px;border-radius:38px;background-color:'
    yield str((undefined(name='grade_color') if l_0_grade_color is missing else l_0_grade_color))
    yield ';'
    yield str((undefined(name='font') if l_0_font is missing else l_0_font))
    yield 'font-size:'
    yield str(('38px' if (undefined(name='graded') if l_0_graded is missing else l_0_graded) else '15px'))
    yield ';line-height:20px;font-weight:700;color:#ffffff;">'
    yield str(((undefined(name='grade') if l_0_grade is missing else l_0_grade) if (undefined(name='graded') if l_0_graded is missing else l_0_graded) else 'Not graded'))
    yield '</td>\n      </tr>\n      </table>\n    </td>\n    <td valign="top">\n      <div style="'
    yield str((undefined(name='font') if l_0_font is missing else l_0_font))
    yield 'font-size:12px;line-height:16px;letter-spacing:1px;text-transform:uppercase;color:'
    yield str((undefined(name='muted') if l_0_muted is missing else l_0_muted))
    yield ';">Partner Monthly Score</div>\n      <div style="'
    yield str((undefined(name='font') if l_0_font is missing else l_0_font))
    yield 'font-size:34px;line-height:42px;font-weight:700;color:'
    yield str((undefined(name='ink') if l_0_ink is missing else l_0_ink))
    yield ';">'
    yield str((undefined(name='score') if l_0_score is missing else l_0_score))
    if (undefined(name='graded') if l_0_graded is missing else l_0_graded):
        pass
        yield '<span style="font-size:16px;font-weight:400;color:'
        yield str((undefined(name='muted') if l_0_muted is missing else l_0_muted))
        yield ';"> / 100</span>'
    yield '</div>\n      <div style="'
    yield str((undefined(name='font') if l_0_font is missing else l_0_font))
    yield 'font-size:14px;line-height:20px;font-weight:600;color:'
    yield str((undefined(name='grade_color') if l_0_grade_color is missing else l_0_grade_color))
    yield ';">'
    yield str(context.call(environment.getattr((undefined(name='wording') if l_0_wording is missing else l_0_wording), 'grade_text'), (undefined(name='grade') if l_0_grade is missing else l_0_grade)))
    yield '</div>\n      <div style="'
    yield str((undefined(name='font') if l_0_font is missing else l_0_font))
    yield 'font-size:13px;line-height:19px;color:'
    yield str((undefined(name='muted') if l_0_muted is missing else l_0_muted))
    yield ';padding-top:4px;">'
    yield str(context.call(environment.getattr((undefined(name='wording') if l_0_wording is missing else l_0_wording), 'score_note'), (undefined(name='score_case') if l_0_score_case is missing else l_0_score_case), (undefined(name='month_only') if l_0_month_only is missing else l_0_month_only)))
    yield '</div>'
    if (undefined(name='tier') if l_0_tier is missing else l_0_tier):
        pass
        yield '      <div style="'
        yield str((undefined(name='font') if l_0_font is missing else l_0_font))
        yield 'font-size:13px;line-height:19px;color:'
        yield str((undefined(name='ink') if l_0_ink is missing else l_0_ink))
        yield ';padding-top:4px;">'
        yield str(context.call(environment.getattr((undefined(name='wording') if l_0_wording is missing else l_0_wording), 'standing_note'), (undefined(name='tier') if l_0_tier is missing else l_0_tier), (undefined(name='bonus_eligible') if l_0_bonus_eligible is missing else l_0_bonus_eligible), (undefined(name='month_only') if l_0_month_only is missing else l_0_month_only)))
        yield '</div>'
    if (not t_1((undefined(name='network_percentile') if l_0_network_percentile is missing else l_0_network_percentile))):
        pass
        yield '      <div style="'
        yield str((undefined(name='font') if l_0_font is missing else l_0_font))
        yield 'font-size:13px;line-height:19px;color:'
        yield str((undefined(name='ink') if l_0_ink is missing else l_0_ink))
        yield ';padding-top:4px;">'
        yield str(context.call(environment.getattr((undefined(name='wording') if l_0_wording is missing else l_0_wording), 'peer_note'), (undefined(name='network_percentile') if l_0_network_percentile is missing else l_0_network_percentile), (undefined(name='month_only') if l_0_month_only is missing else l_0_month_only)))
        yield '</div>'
    yield '    </td>\n  </tr>\n  </table>\n</td>\n</tr>\n<tr>\n<td style="padding:10px 24px 4px;">\n  <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:separate;border-spacing:0;">\n  <tr>\n'
    l_1_loop = missing
    for l_1_band, l_1_loop in LoopContext((undefined(name='bands') if l_0_bands is missing else l_0_bands), undefined):
        _loop_vars = {}
        pass
        yield '    <td width="25%" align="center" style="width:25%;padding:'
        yield str(('0 4px 0 0' if environment.getattr(l_1_loop, 'first') else ('0 0 0 4px' if environment.getattr(l_1_loop, 'last') else '0 2px')))
        yield ';">\n      <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:separate;">\n      <tr>\n        <td align="center" style="padding:6px 2px;border-radius:6px;'
        if environment.getattr(l_1_band, 'active'):
            pass
            yield 'background-color:'
            yield str(environment.getattr(l_1_band, 'color'))
            yield ';border:1px solid '
            yield str(environment.getattr(l_1_band, 'color'))
            yield ';color:#ffffff;'
        else:
            pass
            yield 'background-color:#f6f8fa;border:1px solid '
            yield str((undefined(name='rule') if l_0_rule is missing else l_0_rule))
            yield ';color:'
            yield str((undefined(name='muted') if l_0_muted is missing else l_0_muted))
            yield ';'
        yield str((undefined(name='font') if l_0_font is missing else l_0_font))
        yield 'font-size:12px;line-height:16px;white-space:nowrap;"><strong style="font-size:14px;">'
        yield str(environment.getattr(l_1_band, 'grade'))
        yield '</strong>&nbsp;'
        yield str(environment.getattr(l_1_band, 'range'))
        yield '</td>\n      </tr>\n      </table>\n    </td>\n'
    l_1_loop = l_1_band = missing
    yield '  </tr>\n  </table>\n  <div style="'
    yield str((undefined(name='font') if l_0_font is missing else l_0_font))
    yield 'font-size:12px;line-height:18px;color:'
    yield str((undefined(name='muted') if l_0_muted is missing else l_0_muted))
    yield ';padding-top:10px;">'
    yield str(context.call(environment.getattr((undefined(name='wording') if l_0_wording is missing else l_0_wording), 'score_definition'), (undefined(name='month_only') if l_0_month_only is missing else l_0_month_only)))
    yield '</div>\n</td>\n</tr>\n\n<tr>\n<td style="padding:18px 24px 0;">\n  <div style="'
    yield str((undefined(name='font') if l_0_font is missing else l_0_font))
    yield 'font-size:16px;line-height:22px;font-weight:700;color:'
    yield str((undefined(name='ink') if l_0_ink is missing else l_0_ink))
    yield ';padding-bottom:6px;">Your '
    yield str((undefined(name='month_only') if l_0_month_only is missing else l_0_month_only))
    yield ' in numbers</div>\n  <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;">\n'
    for l_1_metric in (undefined(name='metrics') if l_0_metrics is missing else l_0_metrics):
        _loop_vars = {}
        pass
        yield '  <tr>\n    <td valign="top" style="padding:10px 12px 10px 0;border-top:1px solid '
        yield str((undefined(name='rule') if l_0_rule is missing else l_0_rule))
        yield ';">\n      <div style="'
        yield str((undefined(name='font') if l_0_font is missing else l_0_font))
        yield 'font-size:14px;line-height:20px;font-weight:600;color:'
        yield str((undefined(name='ink') if l_0_ink is missing else l_0_ink))
        yield ';">'
        yield str(context.call(environment.getattr((undefined(name='wording') if l_0_wording is missing else l_0_wording), 'metric_label'), environment.getattr(l_1_metric, 'name'), _loop_vars=_loop_vars))
        yield '</div>\n      <div style="'
        yield str((undefined(name='font') if l_0_font is missing else l_0_font))
        yield 'font-size:12px;line-height:17px;color:'
        yield str((undefined(name='muted') if l_0_muted is missing else l_0_muted))
        yield ';">'
        yield str(context.call(environment.getattr((undefined(name='wording') if l_0_wording is missing else l_0_wording), 'metric_definition'), environment.getattr(l_1_metric, 'name'), (undefined(name='month_only') if l_0_month_only is missing else l_0_month_only), _loop_vars=_loop_vars))
        yield '</div>\n    </td>\n    <td valign="top" align="right" style="padding:10px 0;border-top:1px solid '
        yield str((undefined(name='rule') if l_0_rule is missing else l_0_rule))
        yield ';white-space:nowrap;">\n      <div style="'
        yield str((undefined(name='font') if l_0_font is missing else l_0_font))
        yield 'font-size:20px;line-height:26px;font-weight:700;color:'
        yield str((undefined(name='ink') if l_0_ink is missing else l_0_ink))
        yield ';">'
        yield str(environment.getattr(l_1_metric, 'value'))
        yield '</div>\n'
        if environment.getattr(l_1_metric, 'absent'):
            pass
            yield '<div style="'
            yield str((undefined(name='font') if l_0_font is missing else l_0_font))
            yield 'font-size:11px;line-height:15px;color:'
            yield str((undefined(name='muted') if l_0_muted is missing else l_0_muted))
            yield ';">'
            yield str(context.call(environment.getattr((undefined(name='wording') if l_0_wording is missing else l_0_wording), 'metric_note'), environment.getattr(l_1_metric, 'name'), _loop_vars=_loop_vars))
            yield '</div>'
        yield '    </td>\n  </tr>\n'
    l_1_metric = missing
    yield '  </table>\n</td>\n</tr>\n\n<tr>\n<td style="padding:22px 24px 0;">\n  <div style="'
    yield str((undefined(name='font') if l_0_font is missing else l_0_font))
    yield 'font-size:16px;line-height:22px;font-weight:700;color:'
    yield str((undefined(name='ink') if l_0_ink is missing else l_0_ink))
    yield ';">Monthly score, last 12 months</div>\n  <div style="'
    yield str((undefined(name='font') if l_0_font is missing else l_0_font))
    yield 'font-size:12px;line-height:18px;color:'
    yield str((undefined(name='muted') if l_0_muted is missing else l_0_muted))
    yield ';padding-bottom:10px;">'
    yield str((undefined(name='trend_range') if l_0_trend_range is missing else l_0_trend_range))
    yield '</div>\n  <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;table-layout:fixed;">\n  <tr>\n'
    for l_1_bar in (undefined(name='trend') if l_0_trend is missing else l_0_trend):
        l_1_chart_height = resolve('chart_height')
        _loop_vars = {}
        pass
        yield '    <td valign="bottom" align="center" style="padding:0 2px;height:'
        yield str(((undefined(name='chart_height') if l_1_chart_height is missing else l_1_chart_height) + 20))
        yield 'px;">\n      <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;">\n      <tr><td align="center" style="'
        yield str((undefined(name='font') if l_0_font is missing else l_0_font))
        yield 'font-size:11px;line-height:14px;padding-bottom:3px;color:'
        yield str(((undefined(name='ink') if l_0_ink is missing else l_0_ink) if environment.getattr(l_1_bar, 'current') else (undefined(name='muted') if l_0_muted is missing else l_0_muted)))
        yield ';'
        yield str(('font-weight:700;' if environment.getattr(l_1_bar, 'current') else ''))
        yield '">'
        yield str(environment.getattr(l_1_bar, 'value'))
        yield '</td></tr>\n'
        if environment.getattr(l_1_bar, 'height'):
            pass
            yield '      <tr><td height="'
            yield str(environment.getattr(l_1_bar, 'height'))
            yield '" style="height:'
            yield str(environment.getattr(l_1_bar, 'height'))
            yield 'px;background-color:'
            yield str(environment.getattr(l_1_bar, 'color'))
            yield ';border-radius:3px 3px 0 0;font-size:0;line-height:0;">&nbsp;</td></tr>\n'
        yield '      </table>\n    </td>\n'
    l_1_bar = l_1_chart_height = missing
    yield '  </tr>\n  <tr>\n'
    for l_1_bar in (undefined(name='trend') if l_0_trend is missing else l_0_trend):
        _loop_vars = {}
        pass
        yield '    <td align="center" style="border-top:2px solid #c5cfda;padding:4px 0 0;'
        yield str((undefined(name='font') if l_0_font is missing else l_0_font))
        yield 'font-size:11px;line-height:14px;color:'
        yield str(((undefined(name='ink') if l_0_ink is missing else l_0_ink) if environment.getattr(l_1_bar, 'current') else (undefined(name='muted') if l_0_muted is missing else l_0_muted)))
        yield ';'
        yield str(('font-weight:700;' if environment.getattr(l_1_bar, 'current') else ''))
        yield '">'
        yield str(environment.getattr(l_1_bar, 'label'))
        yield '</td>\n'
    l_1_bar = missing
    yield '  </tr>\n  </table>\n  <div style="'
    yield str((undefined(name='font') if l_0_font is missing else l_0_font))
    yield 'font-size:11px;line-height:16px;color:'
    yield str((undefined(name='muted') if l_0_muted is missing else l_0_muted))
    yield ';padding-top:8px;">Bar height is the monthly score, colored by grade. NG: shipped nothing, not graded. —: no snapshot that month.</div>\n</td>\n</tr>\n\n<tr>\n<td style="padding:22px 24px 0;">\n  <div style="'
    yield str((undefined(name='font') if l_0_font is missing else l_0_font))
    yield 'font-size:16px;line-height:22px;font-weight:700;color:'
    yield str((undefined(name='ink') if l_0_ink is missing else l_0_ink))
    yield ';padding-bottom:6px;">Late jobs ('
    yield str((undefined(name='late_count') if l_0_late_count is missing else l_0_late_count))
    yield ')</div>\n'
    if (undefined(name='late_jobs') if l_0_late_jobs is missing else l_0_late_jobs):
        pass
        yield '  <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;'
        yield str((undefined(name='font') if l_0_font is missing else l_0_font))
        yield 'font-size:13px;line-height:18px;">\n  <tr style="color:'
        yield str((undefined(name='muted') if l_0_muted is missing else l_0_muted))
        yield ';">\n    <td width="30%" style="width:30%;padding:6px 6px 6px 0;border-bottom:1px solid '
        yield str((undefined(name='rule') if l_0_rule is missing else l_0_rule))
        yield ';font-weight:600;">Job</td>\n    <td style="padding:6px;border-bottom:1px solid '
        yield str((undefined(name='rule') if l_0_rule is missing else l_0_rule))
        yield ';font-weight:600;">Due</td>\n    <td style="padding:6px;border-bottom:1px solid '
        yield str((undefined(name='rule') if l_0_rule is missing else l_0_rule))
        yield ';font-weight:600;">Shipped</td>\n    <td align="right" style="padding:6px 0 6px 6px;border-bottom:1px solid '
        yield str((undefined(name='rule') if l_0_rule is missing else l_0_rule))
        yield ';font-weight:600;">Days late</td>\n  </tr>\n'
        for l_1_job in (undefined(name='late_jobs') if l_0_late_jobs is missing else l_0_late_jobs):
            _loop_vars = {}
            pass
            yield '  <tr>\n    <td style="padding:7px 6px 7px 0;border-bottom:1px solid '
            yield str((undefined(name='rule') if l_0_rule is missing else l_0_rule))
            yield ';font-weight:600;overflow-wrap:anywhere;word-break:break-word;">'
            yield str(environment.getattr(l_1_job, 'job_id'))
            yield '</td>\n    <td style="padding:7px 6px;border-bottom:1px solid '
            yield str((undefined(name='rule') if l_0_rule is missing else l_0_rule))
            yield ';white-space:nowrap;">'
            yield str(environment.getattr(l_1_job, 'due'))
            yield '</td>\n    <td style="padding:7px 6px;border-bottom:1px solid '
            yield str((undefined(name='rule') if l_0_rule is missing else l_0_rule))
            yield ';white-space:nowrap;">'
            yield str(environment.getattr(l_1_job, 'shipped'))
            yield '</td>\n    <td align="right" style="padding:7px 0 7px 6px;border-bottom:1px solid '
            yield str((undefined(name='rule') if l_0_rule is missing else l_0_rule))
            yield ';color:#c62828;font-weight:600;">'
            yield str(environment.getattr(l_1_job, 'days_late'))
            yield '</td>\n  </tr>\n'
        l_1_job = missing
        yield '  </table>\n'
        if (undefined(name='late_jobs_more') if l_0_late_jobs_more is missing else l_0_late_jobs_more):
            pass
            yield '<div style="'
            yield str((undefined(name='font') if l_0_font is missing else l_0_font))
            yield 'font-size:12px;line-height:18px;color:'
            yield str((undefined(name='muted') if l_0_muted is missing else l_0_muted))
            yield ';padding-top:6px;">and '
            yield str((undefined(name='late_jobs_more') if l_0_late_jobs_more is missing else l_0_late_jobs_more))
            yield ' more in the online snapshot.</div>'
    else:
        pass
        yield '  <div style="'
        yield str((undefined(name='font') if l_0_font is missing else l_0_font))
        yield 'font-size:13px;line-height:19px;color:'
        yield str((undefined(name='muted') if l_0_muted is missing else l_0_muted))
        yield ';">No late jobs in '
        yield str((undefined(name='month_only') if l_0_month_only is missing else l_0_month_only))
        yield '.</div>\n'
    yield '</td>\n</tr>\n<tr>\n<td style="padding:20px 24px 0;">\n  <div style="'
    yield str((undefined(name='font') if l_0_font is missing else l_0_font))
    yield 'font-size:16px;line-height:22px;font-weight:700;color:'
    yield str((undefined(name='ink') if l_0_ink is missing else l_0_ink))
    yield ';padding-bottom:6px;">Jobs with defects ('
    yield str((undefined(name='defective_count') if l_0_defective_count is missing else l_0_defective_count))
    yield ')</div>\n'
    if (undefined(name='defective_jobs') if l_0_defective_jobs is missing else l_0_defective_jobs):
        pass
        yield '  <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;'
        yield str((undefined(name='font') if l_0_font is missing else l_0_font))
        yield 'font-size:13px;line-height:18px;">\n  <tr style="color:'
        yield str((undefined(name='muted') if l_0_muted is missing else l_0_muted))
        yield ';">\n    <td width="30%" style="width:30%;padding:6px 6px 6px 0;border-bottom:1px solid '
        yield str((undefined(name='rule') if l_0_rule is missing else l_0_rule))
        yield ';font-weight:600;">Job</td>\n    <td style="padding:6px;border-bottom:1px solid '
        yield str((undefined(name='rule') if l_0_rule is missing else l_0_rule))
        yield ';font-weight:600;">Shipped</td>\n    <td align="right" style="padding:6px;border-bottom:1px solid '
        yield str((undefined(name='rule') if l_0_rule is missing else l_0_rule))
        yield ';font-weight:600;">Inspected</td>\n    <td align="right" style="padding:6px 0 6px 6px;border-bottom:1px solid '
        yield str((undefined(name='rule') if l_0_rule is missing else l_0_rule))
        yield ';font-weight:600;">Defective</td>\n  </tr>\n'
        for l_1_job in (undefined(name='defective_jobs') if l_0_defective_jobs is missing else l_0_defective_jobs):
            _loop_vars = {}
            pass
            yield '  <tr>\n    <td style="padding:7px 6px 7px 0;border-bottom:1px solid '
            yield str((undefined(name='rule') if l_0_rule is missing else l_0_rule))
            yield ';font-weight:600;overflow-wrap:anywhere;word-break:break-word;">'
            yield str(environment.getattr(l_1_job, 'job_id'))
            yield '</td>\n    <td style="padding:7px 6px;border-bottom:1px solid '
            yield str((undefined(name='rule') if l_0_rule is missing else l_0_rule))
            yield ';white-space:nowrap;">'
            yield str(environment.getattr(l_1_job, 'shipped'))
            yield '</td>\n    <td align="right" style="padding:7px 6px;border-bottom:1px solid '
            yield str((undefined(name='rule') if l_0_rule is missing else l_0_rule))
            yield ';">'
            yield str(environment.getattr(l_1_job, 'inspected'))
            yield '</td>\n    <td align="right" style="padding:7px 0 7px 6px;border-bottom:1px solid '
            yield str((undefined(name='rule') if l_0_rule is missing else l_0_rule))
            yield ';color:#c62828;font-weight:600;">'
            yield str(environment.getattr(l_1_job, 'defective'))
            yield '</td>\n  </tr>\n'
        l_1_job = missing
        yield '  </table>\n'
        if (undefined(name='defective_jobs_more') if l_0_defective_jobs_more is missing else l_0_defective_jobs_more):
            pass
            yield '<div style="'
            yield str((undefined(name='font') if l_0_font is missing else l_0_font))
            yield 'font-size:12px;line-height:18px;color:'
            yield str((undefined(name='muted') if l_0_muted is missing else l_0_muted))
            yield ';padding-top:6px;">and '
            yield str((undefined(name='defective_jobs_more') if l_0_defective_jobs_more is missing else l_0_defective_jobs_more))
            yield ' more in the online snapshot.</div>'
    else:
        pass
        yield '  <div style="'
        yield str((undefined(name='font') if l_0_font is missing else l_0_font))
        yield 'font-size:13px;line-height:19px;color:'
        yield str((undefined(name='muted') if l_0_muted is missing else l_0_muted))
        yield ';">No defective parts found in '
        yield str((undefined(name='month_only') if l_0_month_only is missing else l_0_month_only))
        yield '.</div>\n'
    yield '</td>\n</tr>\n\n'
    if (undefined(name='html_url') if l_0_html_url is missing else l_0_html_url):
        pass
        yield '<tr>\n<td align="center" style="padding:26px 24px 4px;">\n  <table role="presentation" cellpadding="0" cellspacing="0" border="0" style="border-collapse:separate;">\n  <tr>\n    <td align="center" style="border-radius:6px;background-color:#1f6feb;">\n      <a href="'
        yield str((undefined(name='html_url') if l_0_html_url is missing else l_0_html_url))
        yield '" target="_blank" style="display:inline-block;padding:12px 24px;'
        yield str((undefined(name='font') if l_0_font is missing else l_0_font))
        yield 'font-size:15px;line-height:20px;font-weight:600;color:#ffffff;text-decoration:none;border-radius:6px;">View this snapshot online</a>\n    </td>\n  </tr>\n  </table>\n  <div style="'
        yield str((undefined(name='font') if l_0_font is missing else l_0_font))
        yield 'font-size:12px;line-height:18px;color:'
        yield str((undefined(name='muted') if l_0_muted is missing else l_0_muted))
        yield ';padding-top:8px;">The link is valid for '
        yield str((undefined(name='link_days') if l_0_link_days is missing else l_0_link_days))
        yield ' days.</div>\n</td>\n</tr>\n'
    yield '\n<tr>\n<td style="padding:22px 24px 24px;">\n  <div style="border-top:1px solid '
    yield str((undefined(name='rule') if l_0_rule is missing else l_0_rule))
    yield ';padding-top:14px;'
    yield str((undefined(name='font') if l_0_font is missing else l_0_font))
    yield 'font-size:12px;line-height:18px;color:'
    yield str((undefined(name='muted') if l_0_muted is missing else l_0_muted))
    yield ';">\n    This snapshot reflects '
    yield str((undefined(name='month_name') if l_0_month_name is missing else l_0_month_name))
    yield ' only and does not include previous months. Questions about your\n    metrics or your score? Your Partner Success Manager can walk you through the details of your jobs.\n  </div>\n</td>\n</tr>\n</table>\n<!--[if mso]></td></tr></table><![endif]-->\n</td>\n</tr>\n</table>\n</body>\n</html>\n'

blocks = {}
debug_info = '5=44&6=46&7=49&8=52&9=55&18=59&21=61&22=64&28=67&33=71&34=75&35=77&47=83&52=91&53=95&54=106&55=112&56=118&57=121&59=127&60=130&71=138&72=142&75=144&82=166&89=172&91=178&93=182&94=184&95=190&97=196&98=198&99=204&110=216&111=220&114=226&115=231&117=233&118=241&119=244&126=253&127=257&131=267&138=271&139=277&140=280&141=282&142=284&143=286&144=288&145=290&147=292&149=296&150=300&151=304&152=308&156=314&158=326&164=333&165=339&166=342&167=344&168=346&169=348&170=350&171=352&173=354&175=358&176=362&177=366&178=370&182=376&184=388&190=395&196=398&200=402&208=409&209=415'