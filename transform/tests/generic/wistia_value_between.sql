{#- Fails for every row whose value lies outside [min_value, max_value] (NULLs pass). -#}
{% test wistia_value_between(model, column_name, min_value, max_value) %}
select {{ column_name }} as failing_value
from {{ model }}
where {{ column_name }} < {{ min_value }} or {{ column_name }} > {{ max_value }}
{% endtest %}
