from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'snapshot_wording.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_grade_text = l_0_subject = l_0_preheader = l_0_score_note = l_0_standing_note = l_0_peer_note = l_0_score_definition = l_0_metric_label = l_0_metric_definition = l_0_metric_note = l_0_trend_text = missing
    try:
        t_1 = environment.tests['none']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No test named 'none' found.")
    pass
    def macro(l_1_grade):
        t_2 = []
        if l_1_grade is missing:
            l_1_grade = undefined("parameter 'grade' was not provided", name='grade')
        pass
        if l_1_grade:
            pass
            t_2.extend((
                'Grade ',
                escape(l_1_grade),
            ))
        else:
            pass
            t_2.append(
                'Not graded',
            )
        return concat(t_2)
    context.exported_vars.add('grade_text')
    context.vars['grade_text'] = l_0_grade_text = Macro(environment, macro, 'grade_text', ('grade',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_month_name, l_1_grade):
        t_3 = []
        if l_1_month_name is missing:
            l_1_month_name = undefined("parameter 'month_name' was not provided", name='month_name')
        if l_1_grade is missing:
            l_1_grade = undefined("parameter 'grade' was not provided", name='grade')
        pass
        t_3.extend((
            'Your ',
            escape(l_1_month_name),
            ' Partner Performance Snapshot — ',
            escape(context.call((undefined(name='grade_text') if l_0_grade_text is missing else l_0_grade_text), l_1_grade)),
        ))
        return concat(t_3)
    context.exported_vars.add('subject')
    context.vars['subject'] = l_0_subject = Macro(environment, macro, 'subject', ('month_name', 'grade'), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_month_name, l_1_graded, l_1_score, l_1_grade, l_1_late_count, l_1_defective_count):
        t_4 = []
        if l_1_month_name is missing:
            l_1_month_name = undefined("parameter 'month_name' was not provided", name='month_name')
        if l_1_graded is missing:
            l_1_graded = undefined("parameter 'graded' was not provided", name='graded')
        if l_1_score is missing:
            l_1_score = undefined("parameter 'score' was not provided", name='score')
        if l_1_grade is missing:
            l_1_grade = undefined("parameter 'grade' was not provided", name='grade')
        if l_1_late_count is missing:
            l_1_late_count = undefined("parameter 'late_count' was not provided", name='late_count')
        if l_1_defective_count is missing:
            l_1_defective_count = undefined("parameter 'defective_count' was not provided", name='defective_count')
        pass
        t_4.extend((
            escape(l_1_month_name),
            ': ',
        ))
        if l_1_graded:
            pass
            t_4.extend((
                'monthly score ',
                escape(l_1_score),
                ', grade ',
                escape(l_1_grade),
                '.',
            ))
        else:
            pass
            t_4.append(
                'not graded.',
            )
        t_4.extend((
            ' ',
            escape(l_1_late_count),
            ' late, ',
            escape(l_1_defective_count),
            ' defective jobs.',
        ))
        return concat(t_4)
    context.exported_vars.add('preheader')
    context.vars['preheader'] = l_0_preheader = Macro(environment, macro, 'preheader', ('month_name', 'graded', 'score', 'grade', 'late_count', 'defective_count'), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_case, l_1_m):
        t_5 = []
        if l_1_case is missing:
            l_1_case = undefined("parameter 'case' was not provided", name='case')
        if l_1_m is missing:
            l_1_m = undefined("parameter 'm' was not provided", name='m')
        pass
        if (l_1_case == 'nothing_shipped'):
            pass
            t_5.extend((
                'Nothing shipped in ',
                escape(l_1_m),
                ', so there is no score this month.',
            ))
        elif (l_1_case == 'no_evidence'):
            pass
            t_5.extend((
                'No job was completed and no part inspected in ',
                escape(l_1_m),
                ', so there is no score this month.',
            ))
        elif (l_1_case == 'on_time_only'):
            pass
            t_5.extend((
                'No parts shipped in ',
                escape(l_1_m),
                ' were inspected: the score is your on-time rate alone.',
            ))
        elif (l_1_case == 'quality_only'):
            pass
            t_5.extend((
                'No job was completed in ',
                escape(l_1_m),
                ': the score reflects the quality of the parts shipped.',
            ))
        else:
            pass
            t_5.extend((
                'Half on-time jobs, half quality (DPT) of the parts shipped in ',
                escape(l_1_m),
                '.',
            ))
        return concat(t_5)
    context.exported_vars.add('score_note')
    context.vars['score_note'] = l_0_score_note = Macro(environment, macro, 'score_note', ('case', 'm'), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_tier, l_1_bonus_eligible, l_1_m):
        t_6 = []
        if l_1_tier is missing:
            l_1_tier = undefined("parameter 'tier' was not provided", name='tier')
        if l_1_bonus_eligible is missing:
            l_1_bonus_eligible = undefined("parameter 'bonus_eligible' was not provided", name='bonus_eligible')
        if l_1_m is missing:
            l_1_m = undefined("parameter 'm' was not provided", name='m')
        pass
        if l_1_tier:
            pass
            t_6.extend((
                'Tier at the end of ',
                escape(l_1_m),
                ': ',
                escape(l_1_tier),
                '. ',
            ))
            if l_1_bonus_eligible:
                pass
                t_6.extend((
                    'Eligible for the ',
                    escape(l_1_m),
                    ' monthly bonus: every daily score of ',
                    escape(l_1_m),
                    ' kept you in a bonus tier.',
                ))
            else:
                pass
                t_6.extend((
                    'Not eligible for the ',
                    escape(l_1_m),
                    ' monthly bonus, which needs a bonus tier on every daily score.',
                ))
        return concat(t_6)
    context.exported_vars.add('standing_note')
    context.vars['standing_note'] = l_0_standing_note = Macro(environment, macro, 'standing_note', ('tier', 'bonus_eligible', 'm'), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_percentile, l_1_m):
        t_7 = []
        if l_1_percentile is missing:
            l_1_percentile = undefined("parameter 'percentile' was not provided", name='percentile')
        if l_1_m is missing:
            l_1_m = undefined("parameter 'm' was not provided", name='m')
        pass
        if (not t_1(l_1_percentile)):
            pass
            t_7.extend((
                'Your last daily score of ',
                escape(l_1_m),
                ' was better than ',
                escape(l_1_percentile),
                ' % of partners.',
            ))
        return concat(t_7)
    context.exported_vars.add('peer_note')
    context.vars['peer_note'] = l_0_peer_note = Macro(environment, macro, 'peer_note', ('percentile', 'm'), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_m):
        t_8 = []
        if l_1_m is missing:
            l_1_m = undefined("parameter 'm' was not provided", name='m')
        pass
        t_8.extend((
            'Partner Monthly Score: the % of jobs delivered on time and the DPT of the parts shipped in ',
            escape(l_1_m),
            '. It reflects ',
            escape(l_1_m),
            ' only and does not include previous months.',
        ))
        return concat(t_8)
    context.exported_vars.add('score_definition')
    context.vars['score_definition'] = l_0_score_definition = Macro(environment, macro, 'score_definition', ('m',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_name):
        t_9 = []
        if l_1_name is missing:
            l_1_name = undefined("parameter 'name' was not provided", name='name')
        pass
        if (l_1_name == 'jobs_on_board'):
            pass
            t_9.append(
                'Jobs on Board',
            )
        elif (l_1_name == 'jobs_read'):
            pass
            t_9.append(
                'Jobs Read',
            )
        elif (l_1_name == 'jobs_accepted'):
            pass
            t_9.append(
                'Jobs Accepted',
            )
        elif (l_1_name == 'parts_shipped'):
            pass
            t_9.append(
                'Parts Shipped',
            )
        elif (l_1_name == 'pct_parts_on_time'):
            pass
            t_9.append(
                '% Parts on Time',
            )
        elif (l_1_name == 'dpt'):
            pass
            t_9.append(
                'DPT',
            )
        elif (l_1_name == 'value_accepted'):
            pass
            t_9.append(
                'Value of Jobs Accepted',
            )
        elif (l_1_name == 'pct_jobs_on_time'):
            pass
            t_9.append(
                '% Jobs on Time',
            )
        return concat(t_9)
    context.exported_vars.add('metric_label')
    context.vars['metric_label'] = l_0_metric_label = Macro(environment, macro, 'metric_label', ('name',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_name, l_1_m):
        t_10 = []
        if l_1_name is missing:
            l_1_name = undefined("parameter 'name' was not provided", name='name')
        if l_1_m is missing:
            l_1_m = undefined("parameter 'm' was not provided", name='m')
        pass
        if (l_1_name == 'jobs_on_board'):
            pass
            t_10.extend((
                'The number of jobs that were pushed to your job board in ',
                escape(l_1_m),
                '.',
            ))
        elif (l_1_name == 'jobs_read'):
            pass
            t_10.extend((
                'The number of jobs you read in ',
                escape(l_1_m),
                ', including any that were visible on the page when you logged in to view your job board.',
            ))
        elif (l_1_name == 'jobs_accepted'):
            pass
            t_10.extend((
                'The number of jobs you accepted in ',
                escape(l_1_m),
                '; not necessarily the number you shipped that month.',
            ))
        elif (l_1_name == 'parts_shipped'):
            pass
            t_10.extend((
                'The number of parts you shipped in ',
                escape(l_1_m),
                ', to us or directly to the customer.',
            ))
        elif (l_1_name == 'pct_parts_on_time'):
            pass
            t_10.extend((
                'The percentage of the parts you shipped in ',
                escape(l_1_m),
                ' that shipped on time (by their due date).',
            ))
        elif (l_1_name == 'dpt'):
            pass
            t_10.extend((
                'Defects per thousand: defective parts per thousand inspected, of the parts you shipped in ',
                escape(l_1_m),
                '.',
            ))
        elif (l_1_name == 'value_accepted'):
            pass
            t_10.extend((
                'The dollar value of the jobs you accepted in ',
                escape(l_1_m),
                '.',
            ))
        elif (l_1_name == 'pct_jobs_on_time'):
            pass
            t_10.extend((
                'The percentage of the jobs completed in ',
                escape(l_1_m),
                ' that were delivered on time.',
            ))
        return concat(t_10)
    context.exported_vars.add('metric_definition')
    context.vars['metric_definition'] = l_0_metric_definition = Macro(environment, macro, 'metric_definition', ('name', 'm'), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_name):
        t_11 = []
        if l_1_name is missing:
            l_1_name = undefined("parameter 'name' was not provided", name='name')
        pass
        if (l_1_name == 'pct_parts_on_time'):
            pass
            t_11.append(
                'No parts shipped.',
            )
        elif (l_1_name == 'dpt'):
            pass
            t_11.append(
                'No inspected parts.',
            )
        elif (l_1_name == 'pct_jobs_on_time'):
            pass
            t_11.append(
                'No job completed.',
            )
        return concat(t_11)
    context.exported_vars.add('metric_note')
    context.vars['metric_note'] = l_0_metric_note = Macro(environment, macro, 'metric_note', ('name',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_bar):
        t_12 = []
        if l_1_bar is missing:
            l_1_bar = undefined("parameter 'bar' was not provided", name='bar')
        pass
        if (environment.getattr(l_1_bar, 'kind') == 'none'):
            pass
            t_12.append(
                'no snapshot',
            )
        elif (environment.getattr(l_1_bar, 'kind') == 'ungraded'):
            pass
            t_12.append(
                'not graded',
            )
        elif environment.getattr(l_1_bar, 'grade'):
            pass
            t_12.extend((
                escape(environment.getattr(l_1_bar, 'value')),
                ' (',
                escape(environment.getattr(l_1_bar, 'grade')),
                ')',
            ))
        else:
            pass
            t_12.append(
                escape(environment.getattr(l_1_bar, 'value')),
            )
        return concat(t_12)
    context.exported_vars.add('trend_text')
    context.vars['trend_text'] = l_0_trend_text = Macro(environment, macro, 'trend_text', ('bar',), False, False, False, context.eval_ctx.autoescape)

blocks = {}
debug_info = '4=18&5=37&6=53&7=96&9=141&11=178&12=197&14=212&15=260&16=326&17=349'